# Ints near the 64-bit limits (inside the subset: results that fit in 64 bits).
x = 2 ** 62
print(x, (x - 1) * 2 + 1, -x * 2, 9223372036854775807 // 7, -9223372036854775807 % 10)
print(int("9223372036854775807"), 3037000499 ** 2, abs(-9223372036854775807), 1 << 63 >> 1 if False else 1 << 62)
