import Interpreter
import Engine
print("mrsh")
