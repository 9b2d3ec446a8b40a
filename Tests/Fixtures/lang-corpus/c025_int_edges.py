# Ranges and loops that end next to the 64-bit limits, negative JSON indents, int() bases.
for i in range(9223372036854775805, 9223372036854775807, 2):
    print(i)
print([i for i in range(9223372036854775805, 9223372036854775807, 3)], list(range(9223372036854775805, 9223372036854775807, 2)))
print(list(reversed(range(-9223372036854775807, -9223372036854775806))), range(0, 2 ** 62, 2 ** 60)[1:3])
import json
print(json.dumps([1], indent=-5))
for base in [0, 2, 36, 1, 37, 40]:
    try:
        print(int("11", base))
    except ValueError as e:
        print("ValueError:", e)
