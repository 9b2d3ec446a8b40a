# Ends with an uncaught AttributeError on a user object.
class Model:
    def __init__(self):
        self.layers = 3
m = Model()
print(m.layers)
print(m.layer)
