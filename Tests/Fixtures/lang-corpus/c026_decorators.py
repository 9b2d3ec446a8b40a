# @staticmethod, @classmethod and @property (the decorators mrsh supports).
class Temperature:
    scale = "C"
    def __init__(self, celsius):
        self._c = celsius
    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32
    @staticmethod
    def parse(text):
        return Temperature(float(text.rstrip("C")))
    @classmethod
    def freezing(cls):
        return cls(0.0)
    def __repr__(self):
        return "Temperature(%r)" % self._c
class Kelvin(Temperature):
    scale = "K"
t = Temperature.parse("21.5C")
print(t, t.fahrenheit, Temperature.freezing(), Kelvin.freezing(), type(Kelvin.freezing()).__name__)
print(t.parse("3C"), Temperature.parse("4C").fahrenheit, t.freezing().fahrenheit)
try:
    t.fahrenheit = 5
except AttributeError as e:
    print("AttributeError")
print([Temperature(c).fahrenheit for c in (0, 100, -40)])
