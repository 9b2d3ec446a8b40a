# More exception behaviour: args, repr, nested handlers, finally overriding, hierarchy.
e = KeyError("k")
print(repr(e), str(e), e.args, repr(ValueError("x", 1)), repr(RuntimeError()))
print(issubclass(KeyError, LookupError), issubclass(ZeroDivisionError, ArithmeticError), issubclass(ValueError, KeyError))
def f():
    try:
        return 1
    finally:
        return 2
print(f())
def g():
    for i in range(3):
        try:
            raise ValueError(i)
        except ValueError as e:
            if i == 1:
                continue
            print("handled", e)
        finally:
            print("fin", i)
g()
try:
    try:
        raise TypeError("inner")
    except TypeError:
        raise ValueError("outer")
except ValueError as e:
    print("got", e, type(e).__name__)
class AppError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code
    def __str__(self):
        return "[%d] %s" % (self.code, self.args[0])
try:
    raise AppError(42, "boom")
except Exception as e:
    print(e, e.code, e.args, isinstance(e, AppError))
for exc in [IndexError, KeyError, ZeroDivisionError, AttributeError, NameError]:
    try:
        if exc is IndexError:
            [][0]
        elif exc is KeyError:
            {}["missing"]
        elif exc is ZeroDivisionError:
            1 // 0
        elif exc is AttributeError:
            (1).nope
        else:
            undefined_name
    except LookupError as e:
        print("lookup", type(e).__name__, e)
    except Exception as e:
        print("other", type(e).__name__, e)
try:
    assert 1 + 1 == 3, "math is broken"
except AssertionError as e:
    print("assert:", e)
try:
    int("x1")
except ValueError as e:
    print(e)
try:
    None + 1
except TypeError as e:
    print(e)
try:
    [1, 2].index(5)
except ValueError as e:
    print(e)
try:
    "abc".foo()
except AttributeError as e:
    print(e)
