# random with a seed reproduces CPython's Mersenne Twister stream.
import random
random.seed(42)
print([round(random.random(), 10) for _ in range(3)])
print([random.randint(1, 100) for _ in range(5)])
print(random.choice("abcdefg"), random.randrange(10), random.randrange(5, 50, 5))
xs = list(range(10))
random.shuffle(xs)
print(xs)
random.seed(0)
print(random.random(), random.uniform(1, 2))
random.seed(12345)
print([random.randint(0, 10 ** 12) for _ in range(2)])
