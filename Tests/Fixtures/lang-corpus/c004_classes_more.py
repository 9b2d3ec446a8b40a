# Classes: class attributes through instances, methods as values, dunder operators, __eq__, __len__.
class V:
    dims = 2
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __add__(self, o):
        return V(self.x + o.x, self.y + o.y)
    def __sub__(self, o):
        return V(self.x - o.x, self.y - o.y)
    def __mul__(self, k):
        return V(self.x * k, self.y * k)
    def __rmul__(self, k):
        return self * k
    def __neg__(self):
        return V(-self.x, -self.y)
    def __eq__(self, o):
        return isinstance(o, V) and self.x == o.x and self.y == o.y
    def __lt__(self, o):
        return (self.x, self.y) < (o.x, o.y)
    def __len__(self):
        return 2
    def __getitem__(self, i):
        return (self.x, self.y)[i]
    def __repr__(self):
        return f"V({self.x}, {self.y})"
    def __bool__(self):
        return bool(self.x or self.y)
    def __contains__(self, v):
        return v in (self.x, self.y)
a, b = V(1, 2), V(3, 5)
print(a + b, a - b, a * 3, 2 * a, -a, a == V(1, 2), a != b, a == 3)
print(len(a), a[0], a[-1], list(a), bool(V(0, 0)), bool(a), 2 in a, 7 in a)
print(sorted([b, a, V(0, 9)]), max([a, b]), a < b)
x, y = a
print(x, y, V.dims, a.dims)
class Stack:
    def __init__(self):
        self._items = []
    def push(self, v):
        self._items.append(v)
        return self
    def pop(self):
        return self._items.pop()
    def __len__(self):
        return len(self._items)
    def __iter__(self):
        return iter(self._items)
s = Stack().push(1).push(2).push(3)
print(len(s), list(s), [v * 10 for v in s], s.pop(), len(s))
push = s.push
push(9)
print(list(s), type(s).__name__, Stack.__name__)
class Base:
    count = 0
    def __init__(self):
        type(self).count += 1
class Child(Base):
    pass
Child(); Child(); Base()
print(Base.count, Child.count)
class Temp:
    def __init__(self, c):
        self.c = c
    def f(self):
        return self.c * 9 / 5 + 32
    def describe(self, unit="F"):
        return "%.1f%s" % (self.f() if unit == "F" else self.c, unit)
t = Temp(21.5)
print(t.describe(), t.describe("C"), t.describe(unit="C"), getattr(t, "describe")("F"))
