# Set display order of small ints follows CPython's hash table.
print({5, 3, 1, 4, 2}, {10, 0, 7}, set(range(20, 0, -3)), {-1, -2, 3})
s = set()
for i in [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 33, 17]:
    s.add(i)
print(s, len(s))
print({x * x for x in range(-4, 5)}, {True, 2, 0})
print(sorted({"b", "a"}), frozenset([3, 1]) == {1, 3})
a = {1, 2, 3}
a |= {10}
a -= {2}
print(a, a & {1, 10}, {100, 1, 64} | {2})
