# dict behaviour: order after deletes, views, comprehension, nested, fromkeys, popitem, equality.
d = {}
for k in "hello world":
    d[k] = d.get(k, 0) + 1
print(d)
for k in list(d):
    if d[k] == 1:
        del d[k]
print(d, len(d))
d["z"] = 0
d["h"] = 5
print(list(d.items()), d.keys(), d.values())
print(dict.fromkeys("abc", 0), {k: [] for k in range(2)}, dict(a=1, **{"b": 2}))
e = {"x": 1, "y": 2}
print(e.popitem(), e, e.setdefault("w", 3), e, "w" in e.keys(), 3 in e.values())
nested = {"model": {"layers": [{"dim": 512}, {"dim": 256}]}, "lr": 1e-3}
print(nested["model"]["layers"][1]["dim"], nested)
print({1: "a"} == {1.0: "a"}, {(1, 2): 3}[(1, 2)], {True: "t"}[1])
merged = {**{"a": 1, "b": 2}, **{"b": 3, "c": 4}}
print(merged, {"a": 1} | {"b": 2})
inv = {v: k for k, v in merged.items()}
print(inv, sorted(inv.items(), key=lambda kv: kv[1]))
counts = {}
for w in "a b a c b a".split():
    counts.setdefault(w, []).append(w)
print(counts)
try:
    d[["list"]] = 1
except TypeError as e:
    print("TypeError:", e)
