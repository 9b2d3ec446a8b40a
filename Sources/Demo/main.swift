import Tensor
print("demo")
