import XCTest
@testable import Interpreter

/// A vector-like host object: attributes, a method, operators, indexing, iteration, context.
final class ToyVector: HostObject {
    var items: [Double]
    var entered = 0
    var exited = 0
    init(_ items: [Double]) { self.items = items }
    var typeName: String { "ToyVector" }
    func repr() -> String { "ToyVector(\(items.map { floatRepr($0) }.joined(separator: ", ")))" }
    func getAttribute(_ name: String) throws -> Value? {
        switch name {
        case "size": return .int(items.count)
        case "sum": return .builtin(PyBuiltin("sum") { _, _, _, _ in .float(self.items.reduce(0, +)) })
        default: return nil
        }
    }
    var attributeNames: [String] { ["size", "sum"] }
    func binaryOp(_ op: HostOperator, _ other: Value, reflected: Bool) throws -> Value? {
        guard case .float(let k) = other, op == .mul || op == .matmul else {
            if case .host(let h) = other, let o = h as? ToyVector, op == .matmul {
                return .float(zip(items, o.items).map(*).reduce(0, +))
            }
            return nil
        }
        return .host(ToyVector(items.map { $0 * k }))
    }
    func getItem(_ index: Value) throws -> Value {
        guard case .int(let i) = index, i >= 0, i < items.count else { throw ScriptError("IndexError", "toy index out of range") }
        return .float(items[i])
    }
    func iterate() throws -> [Value]? { items.map { .float($0) } }
    func length() throws -> Int? { items.count }
    func enter() throws -> Value { entered += 1; return .host(self) }
    func exit(_ error: Error?) throws -> Bool { exited += 1; return false }
}

/// A host base class like nn.Module: user subclasses register attributes into the host part.
final class ToyModule: HostClass {
    var typeName: String { "Module" }
    var registered: [String] = []
    func instantiate(className: String) throws -> HostObject { ToyModulePart(className) }
}

final class ToyModulePart: HostObject {
    let name: String
    var params: [String: Value] = [:]
    init(_ n: String) { name = n }
    var typeName: String { name }
    var isCallable: Bool { true }
    func setAttribute(_ name: String, _ value: Value) throws -> Bool {
        guard case .host = value else { return false }
        params[name] = value
        return true
    }
    func getAttribute(_ name: String) throws -> Value? {
        if name == "param_names" { return .list(params.keys.sorted().map { .str($0) }) }
        return params[name]
    }
}

final class HostAPITests: XCTestCase {
    private func make() -> (Interpreter, () -> String) {
        var out = ""
        let interp = Interpreter(stdout: { out += $0 }, stderr: { out += $0 })
        return (interp, { out })
    }

    func testHostObjectProtocol() throws {
        let (interp, out) = make()
        let v = ToyVector([1, 2, 3])
        interp[global: "v"] = .host(v)
        try interp.run("""
            print(v, v.size, v.sum(), len(v), v[1], list(v), v * 2.0, v @ v, 2.0 in v)
            with v as w:
                print(w is v)
            try:
                v[7]
            except IndexError as e:
                print("IndexError", e)
            try:
                v.sizee
            except AttributeError as e:
                print(e)
            """)
        XCTAssertEqual(out(), """
            ToyVector(1.0, 2.0, 3.0) 3 6.0 3 2.0 [1.0, 2.0, 3.0] ToyVector(2.0, 4.0, 6.0) 14.0 True
            True
            IndexError toy index out of range
            'ToyVector' object has no attribute 'sizee'. Did you mean: 'size'?

            """)
        XCTAssertEqual(v.entered, 1)
        XCTAssertEqual(v.exited, 1)
    }

    func testSubclassOfHostClassAndModules() throws {
        let (interp, out) = make()
        let base = ToyModule()
        interp.registerModule("toy") { PyModule(name: "toy", attributes: ["Module": .host(base), "vec": .builtin(PyBuiltin("vec") { _, _, args, _ in
            .host(ToyVector(try args.map { try doubleValue($0, "vec") }))
        })]) }
        try interp.run("""
            import toy
            from toy import Module
            class Net(Module):
                def __init__(self):
                    super().__init__()
                    self.w = toy.vec(1, 2)
                    self.scale = 3
                def forward(self, x):
                    return (self.w @ x) * self.scale
            net = Net()
            print(net.param_names, net.scale, net(toy.vec(1, 1)), isinstance(net, Net))
            """)
        XCTAssertEqual(out(), "['w'] 3 9.0 True\n")
    }

    func testGlobalsReadAndSetFromSwift() throws {
        let (interp, _) = make()
        interp[global: "num_epochs"] = .int(3)
        try interp.run("learning_rate = 0.5 * num_epochs\ndef get_model(): return 'm'\n")
        guard case .float(let lr)? = interp[global: "learning_rate"] else { return XCTFail("no learning_rate") }
        XCTAssertEqual(lr, 1.5)
        XCTAssertTrue(interp.globalNames.contains("get_model"))
        let r = try interp.call(interp[global: "get_model"]!, [])
        XCTAssertEqual(try interp.repr(r), "'m'")
        XCTAssertNil(interp[global: "missing"])
    }

    func testSinksReceiveStdoutAndStderr() throws {
        var out = "", err = ""
        let interp = Interpreter(stdout: { out += $0 }, stderr: { err += $0 })
        try interp.run("import sys\nprint('a', end='')\nprint('b', file=sys.stderr)\nsys.stderr.write('c')\n")
        XCTAssertEqual(out, "a")
        XCTAssertEqual(err, "b\nc")
    }

    func testCancellationInterruptsALoopAndKeepsState() throws {
        let (interp, _) = make()
        try interp.run("n = 0")
        let flag = interp.cancellation
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { flag.set() }
        XCTAssertThrowsError(try interp.run("while True:\n    n += 1\n")) { e in
            XCTAssertEqual((e as? PyError)?.typeName, "KeyboardInterrupt")
        }
        guard case .int(let n)? = interp[global: "n"] else { return XCTFail("state lost") }
        XCTAssertGreaterThan(n, 0)
        try interp.run("n = -1")
        XCTAssertEqual(try interp.repr(interp[global: "n"]!), "-1")
    }
}

final class InteractiveTests: XCTestCase {
    func testEntriesKeepStateAndEchoExpressions() throws {
        var out = ""
        let interp = Interpreter(stdout: { out += $0 }, stderr: { out += $0 })
        XCTAssertNil(try interp.runInteractive("x = [1, 2]\n"))
        let v = try interp.runInteractive("x + [3]\n")
        XCTAssertEqual(try v.map { try interp.repr($0) }, "[1, 2, 3]")
        XCTAssertThrowsError(try interp.runInteractive("x[5]\n")) { e in
            XCTAssertTrue(interp.formatError(e).hasSuffix("IndexError: list index out of range\n"))
        }
        XCTAssertNil(try interp.runInteractive("def f(a):\n    return a * 2\n\n"))
        XCTAssertEqual(try interp.repr(try interp.evaluate("f(x)")), "[1, 2, 1, 2]")
        XCTAssertEqual(out, "")
    }
}
