# Classes, super chains, formatting, containers and errors mixed as scripts use them.
class A:
    tag = "A"
    def who(self):
        return "A.who " + self.tag
class B(A):
    tag = "B"
class C(B):
    def who(self):
        return "C>" + super().who()
c = C()
print(c.who(), C.tag, isinstance(c, (int, A)), issubclass(C, A), type(c).__name__, C.__name__)
print("{0[1]} {1.tag} {k}".format([1, 2], c, k="v"), "%(a)s-%(b)05.1f" % {"a": "x", "b": 2.25})
print(repr(C)[:17], str(A.who)[:19], A.who(c))
x = [3, 1, 2]
print(sorted(x, key=lambda v: -v), x.sort(), x, [i for i in reversed(x)], list(range(10))[-3:])
d = {"b": 1}
d.update([("a", 2)], c=3)
print(d, list(d), {k: v for k, v in sorted(d.items())})
print(max("abc", key=ord), min([], default=None), sum([0.1] * 3), abs(-7.25), divmod(7, 2))
print([(i, j) for i in range(3) for j in range(i) if (i + j) % 2], {i % 2: i for i in range(5)})
s = "Hello"
print(s.lower().count("l"), s[1:4:2], s * 2, s.find("l", 3), s.rjust(8, "*"), f"{s!r:>9}")
print(int("12") + int(3.7) + int(True), float("1e2"), str(3.0), bool("x"), list({1: 2}), tuple("ab"))
print(1 if [] else 2, [] or "empty", 0 == False, None == 0, "a" < "b" < "c", (1, 2) == (1, 2))
t = (1, [2, 3])
t[1].append(4)
print(t, len(t), t.count(1), t.index([2, 3, 4]), 4 in t[1])
try:
    t[0] = 5
except TypeError as e:
    print("TypeError", e)
try:
    sorted([1, "a"])
except TypeError as e:
    print("TypeError", e)
try:
    {}.pop("x")
except KeyError as e:
    print("KeyError", e)
print(round(3.14159, 2), round(-1.5), round(2.5), round(1e-3, 5), format(1234.5, ",.1f"), format(42, "08b"))
import math
print(math.floor(3.7), math.ceil(3.2), math.sqrt(9), math.isclose(1.0, 1.0 + 1e-10), math.inf > 1e308)
print(list(map(lambda x: x ** 2, filter(lambda x: x % 2, range(8)))))
def gen_like(n):
    return [i * i for i in range(n)]
a, b, *c = gen_like(5)
print(a, b, c)
print("done")
