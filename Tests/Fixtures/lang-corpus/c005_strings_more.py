# More str behaviour: formatting edge cases, methods, comparisons.
print("{:>8.3f}|{:<+6d}|{:^7}|{:08.2f}|{:x}".format(3.14159, 42, "mid", -2.5, 3054))
print("{0:{1}}|{2!r:>6}".format("w", 5, "r"), "{:,}".format(10 ** 9), "{:_}".format(123456789))
print("{:.3}".format("truncate"), "{:.2}".format(2.0), "{:.3}".format(0.000123456), "{:e}".format(0))
print(f"{'nested ' + str(1 + 1)}", f"{3.0:.0%}", f"{-1234.5:,.1f}", f"{7:#b} {7:#o}")
print("%5s|%-5s|%.2s|%c%c" % ("ab", "cd", "xyz", 65, "z"))
print("%+.2e|%G|%g|%g" % (12345.6789, 1e-10, 1e16, 123.0))
print("a\tb".expandtabs(), "  x y  ".split(" "), "a,b,c".rsplit(",", 1), " a  b ".split(None, 1))
print("Hello World".swapcase(), "hello world".title(), "ab".join("xyz"), "abc".partition("b"))
print("x=1".partition("="), "no".partition("="), "a.b.c".rpartition("."), "prefix_x".removeprefix("prefix_"))
print("12".isdecimal(), "½".isnumeric(), "abc123".isalnum(), "_x1".isidentifier(), "1x".isidentifier())
print(ord("a"), chr(9731), hex(255), oct(8), bin(5), hex(-1))
s = ""
for i in range(5):
    s += str(i) * i
print(s, len(s), s.count("4"), s.find("33"), s.rfind("4"), s.index("2"))
print(sorted(["b", "B", "a", "_", "1"]), "a" * 0, "abc"[::-1][1:], "abcdef"[-2:], "abc"[5:])
words = "the quick brown fox jumps over the lazy dog".split()
print(max(words, key=len), sorted(set(words))[:3], " ".join(w.capitalize() for w in words[:3]))
print(repr("\u00ff\u0100\U0001F600"), ascii("é✓"), repr("\x0b\x0c"))
print("CSV: " + ",".join(f"{x:.2f}" for x in [1, 2.5, 1 / 3]))
print("a b c".replace(" ", ""), "aaa".replace("a", "bb", 2), "".join(reversed("abc")), "x".center(4, "-"))
print("%s and %r" % ("s", "r"), "%%", "%5.1f%%" % 99.55, "%d%s" % (1, "st"))
