# Fixed-point float formatting (f-strings, format(), %) against CPython over many values; the hash covers every line.
import random
random.seed(7)
vals = [0.0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375, 1e-320, 5e-324, 123456789.125, 9.1e18, 0.005, 0.015, 0.025, 1.005, 2.675, 1e15 + 0.5, 4503599627370497.5]
for _ in range(600):
    e = random.randint(-30, 62)
    vals.append(random.random() * 2.0 ** e * random.choice([1, -1]))
for _ in range(200):
    vals.append(random.randint(0, 10**6) / random.choice([2, 4, 8, 16, 100, 1000, 1024]))
out = []
for v in vals:
    for p in (0, 1, 2, 3, 6, 10, 17):
        out.append(f"{v:.{p}f}|{v:.{p}F}|" + format(v, "." + str(p) + "f") + "|" + ("%." + str(p) + "f") % v)
    out.append(f"{v:12.2f}|{v:+.3f}|{v:,.2f}|{v:.2%}")
print(len(out))
h = 0
for line in out:
    for ch in line:
        h = (h * 31 + ord(ch)) % 1000000007
print(h)
print("\n".join(out[:40]))
