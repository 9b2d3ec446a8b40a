public enum InterpreterModule { public static let name = "Interpreter" }
