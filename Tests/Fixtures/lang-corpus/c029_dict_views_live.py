# dict views are live, and iteration notices size changes as CPython does.
d = {"a": 1, "b": 2}
ks, vs, its = d.keys(), d.values(), d.items()
d["c"] = 3
print(ks, vs, its, len(ks), len(its))
del d["a"]
print(list(ks), list(vs), list(its), "b" in ks, ("b", 2) in its, 3 in vs)
d.clear()
print(ks, len(vs), list(its))
d.update(x=1, y=2)
print(sorted(ks), sum(vs), dict(its))
def add(d, k):
    d[k + "!"] = 0
for name, mutate in [("add", add), ("pop", lambda d, k: d.pop(k))]:
    for view in ["dict", "keys", "values", "items"]:
        d = {"p": 1, "q": 2, "r": 3}
        src = d if view == "dict" else getattr(d, view)()
        seen = []
        try:
            for item in src:
                seen.append(item)
                mutate(d, "p" if name == "pop" else "z")
        except RuntimeError as e:
            print(name, view, seen, "RuntimeError:", e)
# changing values (not the size) while iterating is fine
d = {1: 1, 2: 2, 3: 3}
for k in d:
    d[k] = d[k] * 10
print(d)
for k, v in d.items():
    d[k] = v + 1
print(d)
# iterating a copy while changing the dict is fine
for k in list(d):
    if k % 2:
        del d[k]
print(d, list(d.items()))
it = iter(d)
d[9] = 9
try:
    next(it)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    next(d.keys())
except TypeError as e:
    print("TypeError:", e)
d = {"k": 1}
print(repr(d.keys()), str(d.values()), d.items())
# membership and len read the live dict
d={1:2,"a":3}
k=d.keys()
print(1 in k, 1.0 in k, True in k, "a" in k, "b" in k, len(k), len(d.items()))
d["b"]=1
print("b" in k, len(k))
try:
    [1] in k
except TypeError as e:
    print(e)
