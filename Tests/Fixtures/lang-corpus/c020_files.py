# Writing and reading a text file with open() and with.
import os
path = "/tmp/mrsh_corpus_c020.txt"
with open(path, "w") as f:
    f.write("line 1\n")
    f.write("line 2\nline 3\n")
    print("second", file=f)
with open(path) as f:
    print(repr(f.read()))
with open(path) as f:
    for i, line in enumerate(f):
        print(i, line.rstrip())
f = open(path, "a")
f.write("appended\n")
f.close()
print(open(path).readlines()[-1].strip(), os.path.exists(path))
os.remove(path)
print(os.path.exists(path))
try:
    open("/definitely/missing/file.txt")
except FileNotFoundError as e:
    print("FileNotFoundError", str(e).startswith("[Errno 2]"))
except OSError:
    print("OSError")
