# os, os.path, sys and time in a config-like script.
import os
import os.path
import sys
import time
from os.path import join as pjoin, basename
print(pjoin("a", "b"), basename("/x/y.txt"), os.path.dirname("/x/y/"), os.path.dirname("file"))
print(os.path.splitext("/a/b.c/d"), os.path.splitext(".bashrc"), os.path.split("/a/b"), os.path.isabs("rel"))
print(os.environ.get("MRSH_SURELY_UNSET_VARIABLE", "unset"), os.getenv("MRSH_SURELY_UNSET_VARIABLE"))
print(type(sys.argv), len(sys.argv) >= 1, sys.maxsize)
t0 = time.time()
print(isinstance(t0, float), time.time() >= t0)
print("warning", file=sys.stderr)
sys.stdout.write("written\n")
