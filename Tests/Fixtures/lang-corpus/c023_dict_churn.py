# Dict and set under many inserts and deletes (seeded), mixed int/str keys, numeric key equality.
import random
random.seed(7)
d = {}
s = set()
for step in range(20000):
    k = random.randint(0, 300)
    key = k if k % 3 else "s" + str(k)
    if random.random() < 0.45:
        d.pop(key, None)
        s.discard(key)
    else:
        d[key] = step
        s.add(key)
print(len(d), len(s), list(d.items())[:20], sum(v for v in d.values()))
print(sorted(k for k in s if isinstance(k, int))[:30], 1.0 in {1: 2}, {1.0: "f"}[True], {(1, "a"): 5}[(1, "a")])
small = set()
for x in [5, 3, 9, 1, 3, 5, 12, 0]:
    small.add(x)
small.discard(9)
print(small, {i for i in range(30) if i % 4 == 0})
