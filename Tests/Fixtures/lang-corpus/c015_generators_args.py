# Generator expressions and iterator built-ins.
nums = [3, 1, 4, 1, 5, 9, 2, 6]
print(sum(x * x for x in nums), min(x for x in nums if x > 1), max((x, -x) for x in nums))
print(list(zip(nums, nums[1:])), list(enumerate("ab", 10)), dict(zip("ab", range(2))))
it = iter([1, 2, 3])
print(next(it), next(it), next(it), next(it, "done"))
print(list(map(lambda a, b: a * b, [1, 2], [3, 4])), list(filter(str.isdigit, ["1", "a", "22"])))
print(sorted(nums, key=lambda v: (v % 3, -v)), list(reversed(nums))[:3], any(v > 8 for v in nums))
pairs = sorted(zip("cab", [3, 1, 2]), key=lambda p: p[1])
print(pairs, [p for p, _ in pairs], tuple(sorted(set(nums))))
m = map(str, range(3))
print(list(m), list(m))
print(all([]), any([[]]), sum([]), sum([[1], [2]], []), sum(range(5), 10))
print(list(zip(*[(1, "a"), (2, "b")])), [*zip([1], [2])], len(list(zip(range(3), "abcd"))))
