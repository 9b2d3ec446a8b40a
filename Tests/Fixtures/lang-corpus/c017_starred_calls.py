# Call-site unpacking and keyword handling, including errors.
def f(a, b=2, *rest, key=None, **extra):
    return (a, b, rest, key, extra)
print(f(1), f(1, 2, 3, 4), f(*(1, 2), key="k"), f(1, **{"key": 5, "z": 6}))
args = [10, 20, 30]
kw = {"key": "K"}
print(f(*args, **kw), f(0, *args), max(*args), "{}-{}".format(*"ab"))
def g(x, y):
    return x - y
print(g(y=1, x=5), g(*[9], y=2))
for bad in [lambda: g(1), lambda: g(1, 2, 3), lambda: g(1, x=2), lambda: g(1, z=3)]:
    try:
        bad()
    except TypeError as e:
        print("TypeError:", e)
def kw_only(*, a, b=1):
    return a + b
print(kw_only(a=1), kw_only(b=5, a=1))
try:
    kw_only(1)
except TypeError as e:
    print("TypeError:", e)
first, *middle, last = range(6)
print(first, middle, last, [*middle, *"xy"], (*middle,), {*middle}, {**{"a": 1}})
