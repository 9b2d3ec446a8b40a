# Attribute and method call sites cache class layouts and methods; every change must show.
class A:
    kind = "class-level"
    count = 0
    def __init__(self, x):
        self.x = x
    def get(self):
        return self.x
    def who(self):
        return "A.who"
    def bump(self):
        self.count += 1
        return self.count

class B(A):
    def who(self):
        return "B.who+" + A.who(self)

def read_all(objs):
    out = []
    for o in objs:
        out.append((o.x, o.kind, o.get(), o.who()))
    return out

a, b = A(1), B(2)
print(read_all([a, b, a, b]))
# instance attribute shadows the class attribute, only for that instance
a.kind = "instance-level"
print(read_all([a, b]))
del a.kind
print(read_all([a]))
# class attribute changed after the caches were filled
A.kind = "changed"
print(read_all([a, b]))
# a method replaced on the class, then shadowed on one instance
def new_get(self):
    return self.x * 100
A.get = new_get
print(read_all([a, b]))
a.get = lambda: "instance function"
print(read_all([a, b]))
del a.get
print(read_all([a, b]))
# subclass override added later
B.get = lambda self: -self.x
print(read_all([a, b]))
# augmented assignment reads the class attribute, writes the instance
print(a.bump(), a.bump(), b.bump(), A.count, a.count, b.count)
# a method that deletes itself from its class while running
class C:
    def __init__(self):
        self.n = 0
    def once(self):
        del C.once
        self.n += 1
        return "ran " + str(self.n)
c = C()
print(c.once())
try:
    c.once()
except AttributeError as e:
    print("AttributeError:", e)
# a method rebinding its own class attribute to another function while running
class D:
    def step(self, k):
        D.step = lambda self, k: "replaced " + str(k)
        return "original " + str(k)
d = D()
print([d.step(i) for i in range(3)])
# objects of different classes through one call site
class P:
    def __init__(self, v):
        self.v = v
    def val(self):
        return self.v
class Q:
    def __init__(self, v):
        self.w = 0
        self.v = v * 2
    def val(self):
        return self.v + 1
def total(items):
    t = 0
    for it in items:
        t += it.val() + it.v
    return t
print(total([P(1), Q(1), P(2), Q(3)]))
# attributes set in a different order per instance
class R:
    pass
r1, r2 = R(), R()
r1.a = 1; r1.b = 2
r2.b = 3; r2.a = 4
print([(r.a, r.b) for r in (r1, r2)], hasattr(r1, "c"))
try:
    print(r1.c)
except AttributeError as e:
    print("AttributeError:", e)
# property and staticmethod through the same syntax
class S:
    def __init__(self):
        self._v = 5
    @property
    def v(self):
        return self._v * 2
    @staticmethod
    def st(x):
        return x + 1
s = S()
print(s.v, s.st(1), S.st(2))
try:
    s.v = 3
except AttributeError as e:
    print("AttributeError:", e)
# methods called with the wrong number of arguments still report CPython's error
try:
    a.who(1)
except TypeError as e:
    print("TypeError:", e)
# a bound method kept and called later
m = b.who
B.who = lambda self: "new B.who"
print(m(), b.who())
