# Ellipsis: the literal `...`, its singleton, and its use in subscripts and tuples.
x = ...
print(x)
print(repr(x), str(x))
print(type(...))
print(... is Ellipsis, x is Ellipsis, Ellipsis is ...)
print(... == Ellipsis, ... is None, bool(...))


def stub():
    ...


def stub2(a, b):
    """A docstring, then a body of `...`."""
    ...


print(stub(), stub2(1, 2))


class Indexer:
    def __getitem__(self, key):
        return key


ix = Indexer()
print(ix[...])
print(ix[..., 0])
print(ix[0, ...])
print(ix[..., None])
print(ix[1:2, ..., ::2])
t = (..., 1, ...)
print(t, len(t), t.count(...))
print([..., ...], {...: "e"}[...])
print(isinstance(..., type(Ellipsis)))
print(f"{...}", "%s" % (...,))
