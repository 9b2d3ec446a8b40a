# Classic list algorithms as written in scripts.
def bubble(xs):
    xs = xs[:]
    for i in range(len(xs)):
        for j in range(len(xs) - 1 - i):
            if xs[j] > xs[j + 1]:
                xs[j], xs[j + 1] = xs[j + 1], xs[j]
    return xs
def quick(xs):
    if len(xs) <= 1:
        return xs
    p, rest = xs[0], xs[1:]
    return quick([x for x in rest if x < p]) + [p] + quick([x for x in rest if x >= p])
data = [5, 2, 9, 1, 5, 6, -3, 0]
print(bubble(data), quick(data), data)
def primes(n):
    sieve = [True] * (n + 1)
    sieve[0] = sieve[1] = False
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i::i] = [False] * len(sieve[i * i::i])
    return [i for i, p in enumerate(sieve) if p]
print(primes(60))
matrix = [[1, 2], [3, 4], [5, 6]]
print([list(r) for r in zip(*matrix)], [sum(r) for r in matrix], sum(map(sum, matrix)))
def mm(a, b):
    return [[sum(x * y for x, y in zip(r, c)) for c in zip(*b)] for r in a]
print(mm([[1, 2], [3, 4]], [[5, 6], [7, 8]]))
flat = [x for row in matrix for x in row]
flat.sort(key=lambda v: -v)
print(flat, flat[::2], flat.index(4), flat.count(1))
acc = []
acc += "ab"
acc *= 2
acc[1:3] = [0]
print(acc, acc[-1:], acc[:-1])
