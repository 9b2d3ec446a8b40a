# Control flow combinations.
def classify(n):
    if n < 0:
        return "neg"
    elif n == 0:
        return "zero"
    elif n % 2:
        return "odd"
    else:
        return "even"
print([classify(n) for n in (-3, 0, 1, 2)])
result = []
for i in range(3):
    for j in range(3):
        if j == i:
            continue
        if i + j > 3:
            break
        result.append((i, j))
    else:
        result.append("no break %d" % i)
print(result)
n = 0
while True:
    n += 1
    if n % 7 == 0 and n % 5 == 0:
        break
print(n)
i = 10
while i:
    i -= 3
    if i < 0:
        print("negative", i)
        break
else:
    print("not reached")
x = 5
y = "big" if x > 3 else "small"
z = x > 3 and "and-value" or "or-value"
print(y, z, 0 or None, "" or [] or 0, 1 and 2 and 3, not x, not not x)
for ch in "abc": pass
if True: print("one-liner")
while False: pass
def early(xs):
    for idx, v in enumerate(xs):
        if v is None:
            return idx
    else:
        return -1
print(early([1, None]), early([1, 2]))
del x
try:
    print(x)
except NameError as e:
    print("NameError:", e)
data = [1, 2, 3]
del data[1]
d = {"a": 1, "b": 2}
del d["a"]
print(data, d)
