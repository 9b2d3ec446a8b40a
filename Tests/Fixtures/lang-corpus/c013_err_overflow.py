# mrsh ints are 64-bit: results beyond raise OverflowError (CPython would print a big int).
x = 2 ** 62
print(x)
