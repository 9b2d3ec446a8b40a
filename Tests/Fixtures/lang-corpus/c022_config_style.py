# Config-style code: keyword-only step functions, setattr configs, late binding, floats.
def train_step(*, model, data, run_ctx, **kwargs):
    return model, sorted(data), run_ctx
print(train_step(model="m", data={"b": 1, "a": 2}, run_ctx=None, extra=1))
class Cfg:
    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)
    def __repr__(self):
        return "Cfg(%s)" % ", ".join("%s=%r" % (k, getattr(self, k)) for k in sorted(vars(self)))
print(Cfg(lr=0.1, bs=32), vars(Cfg(a=1)))
x = 5
def f():
    return x
x = 6
print(f(), [f() for _ in range(2)])
import json
print(json.dumps({"a": [1, {"b": (2, 3)}]}, indent=1))
lines = "a\nb\r\nc".splitlines()
print(lines, "a\tb".split("\t"), " x ".strip(), "xyx".strip("x"), "a-b".split("-", maxsplit=1))
print("%s" % [1, 2], "%s %s" % ("a", ("b",)), "%-5d|" % 3, "%.3s" % "abcdef", "%x" % 255)
n = 10
while n > 0:
    n -= 3
else:
    print("while else", n)
for i in range(2):
    pass
else:
    print("for else", i)
print(list(zip("ab", [1, 2], (True, False))), dict(enumerate("xy")))
print(all(x > 0 for x in [1, 2]), any([]), sum(x for x in range(4)))
m = [[0] * 2 for _ in range(2)]
m[0][0] = 1
print(m, [row[:] for row in m], [*m[0], *m[1]])
print(str(1e-7), 1e-7, 1.0e+16, 12345678901234567.0, -1e-310, 2 ** 0.5 * 2 ** 0.5)
print(f"{1e-7:.2g}", f"{123.456:8.2e}", f"{0.000012345:.3g}", f"{5:^5}|", f"{'x':*<4}")
print(7 / 2, 7 // 2, -7 / 2, 7 % 2.5, 2 ** 10, 10 ** -1, 3 * "ab", [0] * 0)
print("a" in "cat", "at" in "cat", [1] in [[1]], 2 not in {1: 1}, "k" in {"k": 0})
print(sorted({3: "c", 1: "a"}.items()), list(reversed({"x": 1, "y": 2})))
print(type(None).__name__, type(print).__name__, type(len), callable(type))
