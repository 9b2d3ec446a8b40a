# Trees of objects, recursion with default arguments, error dispatch, text processing.
class Node:
    def __init__(self, val, children=None):
        self.val = val
        self.children = children or []
    def total(self):
        return self.val + sum(c.total() for c in self.children)
    def __repr__(self):
        return "Node(%r%s)" % (self.val, ", ..." if self.children else "")
tree = Node(1, [Node(2, [Node(4)]), Node(3)])
print(tree.total(), tree, tree.children)
def walk(n, depth=0, out=None):
    out = [] if out is None else out
    out.append("  " * depth + str(n.val))
    for c in n.children:
        walk(c, depth + 1, out)
    return out
print("\n".join(walk(tree)))
def safe(fn, *args):
    try:
        return fn(*args)
    except ZeroDivisionError:
        return "div0"
    except (KeyError, IndexError) as e:
        return "lookup:" + type(e).__name__
    finally:
        pass
print(safe(lambda a, b: a / b, 1, 0), safe(lambda d: d["x"], {}), safe(lambda l: l[3], [1]), safe(max, 3, 4))
words = "The quick brown fox jumps over the lazy dog".split()
by_len = {}
for w in words:
    by_len.setdefault(len(w), []).append(w.lower())
print(by_len, sorted(by_len.items(), key=lambda kv: (-len(kv[1]), kv[0])))
print(" ".join(w[::-1] for w in words), words.index("fox"), "-".join(sorted(set("".join(words).lower())))[:20])
acc = 0
for i, w in enumerate(words, 1):
    if i % 2 == 0:
        continue
    acc += len(w) * i
print(acc, list(filter(lambda w: "o" in w, words)), [w.upper() for w in words if len(w) > 4])
matrix = [[1, 2, 3], [4, 5, 6]]
t = list(map(list, zip(*matrix)))
print(t, [sum(col) / len(col) for col in t], round(sum(map(sum, matrix)) / 6, 3))
s = "Mississippi"
print(s.count("ss"), s.replace("ss", "SS", 1), s.lower().find("sip"), s.partition("ss"), s.rsplit("i", 2))
print("%-10s|%10.4f|%+05d|%s" % ("name", 3.14159265, 42, [1.5, None]), "{:>{w}}|".format("r", w=6))
x = 0
def bump():
    global x
    x += 1
    return x
print([bump() for _ in range(3)], x)
def make():
    data = {}
    def put(k, v):
        data[k] = v
    def get(k, default=None):
        return data.get(k, default)
    return put, get
put, get = make()
put("a", 1)
print(get("a"), get("b"), get("b", 0))
print(isinstance([], list), isinstance({}, dict), isinstance("s", (int, str)), type(1) is int, int.__name__)
print(sorted([("b", 2), ("a", 2), ("c", 1)], key=lambda p: p[1]), min("zebra"), max([1, 5, 3], default=0))
