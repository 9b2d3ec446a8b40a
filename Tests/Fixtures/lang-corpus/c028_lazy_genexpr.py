# Generator expressions are lazy: consumers pull one item at a time.
calls = []
def f(x):
    calls.append(x)
    return x > 2
print(any(f(x) for x in [1, 2, 3, 4, 5]), calls)
calls.clear()
print(all(not f(x) for x in [0, 5, 1]), calls)
calls.clear()
g = (f(x) for x in range(10))
print(calls, next(g), calls, next(g), calls)
print(sum(1 for b in g if b), calls[-1], list(g))
# the first iterable is evaluated at once, the rest on demand
def src(tag, n):
    calls.append(tag)
    return range(n)
calls.clear()
g = ((a, b) for a in src("outer", 2) for b in src("inner", 2))
print(calls)
print(next(g), calls)
print(list(g), calls)
try:
    (x for x in 5)
except TypeError as e:
    print("TypeError", e)
# generators outliving the function that made them
def make(n):
    k = 10
    return (i * k for i in range(n))
g1 = make(3)
g2 = make(4)
print(next(g1), next(g2), list(g1), list(g2))
# two live instances of one expression with nested loops
def pairs(n):
    return ((i, j) for i in range(n) for j in range(i))
a, b = pairs(3), pairs(4)
out = []
for _ in range(3):
    out.append((next(a), next(b)))
print(out, list(a), list(b))
# stopping early: the remaining items are never computed
calls.clear()
g = (f(x) for x in range(100))
for v in g:
    if v:
        break
print(len(calls), next(g), len(calls))
print(max((f(x), x) for x in [3, 1]), min(x for x in (4, 2, 8) if x > 2))
gen = (x * x for x in [1, 2, 3])
print(4 in gen, list(gen))
