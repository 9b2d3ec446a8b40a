# User context managers: __enter__/__exit__ order, suppression, exceptions passing through.
class Ctx:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress
    def __enter__(self):
        print("enter", self.name)
        return self
    def __exit__(self, et, ev, tb):
        print("exit", self.name, et.__name__ if et else None, ev)
        return self.suppress
with Ctx("a") as c:
    print("body", c.name)
with Ctx("outer"), Ctx("inner") as i:
    print("nested", i.name)
with Ctx("s", suppress=True):
    raise ValueError("swallowed")
print("after suppress")
try:
    with Ctx("p"):
        1 / 0
except ZeroDivisionError as e:
    print("caught", e)
def f():
    with Ctx("ret"):
        return "returned"
print(f())
