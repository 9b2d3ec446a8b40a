# Subscripts, dict.get, list.append and string building on their fast paths.
def keys_demo():
    d = {}
    d[1] = "int"
    d[1.0] = "float"
    d[True] = "bool"
    print(d, len(d), d.get(1), d.get(1.0), d.get(True), d[1.0])
    d[2.5] = "x"
    d["1"] = "str"
    d[(1, 2)] = "tuple"
    d[(1.0, 2.0)] = "tuple2"
    print(d, d.get((1, 2)), d.get("2", "dflt"), d.get(2), d.get(0, 0.0))
    try:
        d.get([1])
    except TypeError as e:
        print("TypeError:", e)
    try:
        d[[1]] = 2
    except TypeError as e:
        print("TypeError:", e)
    try:
        print(d["missing"])
    except KeyError as e:
        print("KeyError:", e)
    calls = []
    def dflt():
        calls.append(1)
        return 0
    print(d.get(1, dflt()), calls)
keys_demo()

def mutate_during_lookups():
    d = {i: i * i for i in range(10)}
    total = 0
    for i in range(20):
        total += d.get(i, -1)
        if i % 3 == 0:
            d.pop(i, None)
        d[i + 100] = i
    print(total, len(d), sorted(d)[:5], d.get(3), d.get(103))
    xs = [0] * 5
    for i in range(-5, 5):
        xs[i] += i
    print(xs, xs[-1], xs[-5])
    for bad in (5, -6):
        try:
            xs[bad]
        except IndexError as e:
            print("IndexError:", e)
        try:
            xs[bad] = 0
        except IndexError as e:
            print("IndexError:", e)
    try:
        xs["0"]
    except TypeError as e:
        print("TypeError:", e)
    print(xs[True], xs[False])
mutate_during_lookups()

def appends():
    xs = []
    for i in range(5):
        xs.append(xs[:])
    print(xs[-1], len(xs))
    class Bag:
        def __init__(self):
            self.items = []
        def append(self, v):
            self.items.append(v * 2)
    b = Bag()
    for v in (1, 2):
        b.append(v)
    print(b.items)
    s = "text"
    try:
        s.append(1)
    except AttributeError as e:
        print("AttributeError:", e)
    t = (1, 2)
    try:
        t.append(3)
    except AttributeError as e:
        print("AttributeError:", e)
    d = {"a": 1}
    print(d.get("a"), d.get("b"), "abc".find("c"))
appends()

def strings():
    parts = []
    for i in range(12):
        parts.append(f"{i}:{i * 0.25:.2f}|{-i / 8:.1f}|{i:>3}|{'x' * (i % 3)!r}")
    joined = ";".join(parts)
    print(joined)
    words = joined.split(";")
    print(len(words), words[0], words[-1], words == parts)
    print(f"{2.5:.0f} {3.5:.0f} {0.125:.2f} {0.375:.2f} {1e16:.2f} {-0.0:.1f} {1/3:.17f} {123.456:8.2f}")
    s = ""
    for i in range(0, 50, 7):
        s += str(i) + ","
    print(s, s.upper(), "Straße".upper(), "ǆ".upper())
strings()
