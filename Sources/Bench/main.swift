import Tensor
print("bench")
