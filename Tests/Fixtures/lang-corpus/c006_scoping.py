# Scoping: closures capturing loop variables, nonlocal counters, class scope, comprehension scope.
def outer():
    fs = []
    for i in range(3):
        def f(j=i):
            return i * 10 + j
        fs.append(f)
    return [f() for f in fs]
print(outer())
def counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    def get():
        return n
    return inc, get
inc, get = counter()
inc(); inc()
print(get(), inc(), get())
x = 10
class C:
    x = 20
    y = x + 1
    def m(self):
        return x
    z = [x for _ in range(2)]
print(C.y, C().m(), C.z)
def f():
    vals = [lambda: k for k in range(3)]
    return [v() for v in vals]
print(f())
total = 0
def add_all(xs):
    global total
    for v in xs:
        total += v
add_all([1, 2, 3])
print(total)
def shadow():
    print = lambda *a: None
    print("hidden")
    return "done"
print(shadow())
def make_adders():
    return {n: (lambda x, n=n: x + n) for n in range(3)}
print([fn(10) for fn in make_adders().values()])
def deep():
    a = 1
    def l1():
        b = 2
        def l2():
            return a + b
        return l2
    return l1()()
print(deep())
try:
    def broken():
        print(undefined_local)
        undefined_local = 1
    broken()
except UnboundLocalError as e:
    print("UnboundLocalError", type(e).__name__)
