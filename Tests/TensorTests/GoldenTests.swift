import Foundation
import GoldenCases
import Tensor
import XCTest

/// Runs every PyTorch golden case (Tests/Fixtures/torch or $MRSH_TORCH_GOLDEN) through mrsh.
final class GoldenTests: XCTestCase {
    /// Families covered completely: any failure or missing op there fails the test (the tensor
    /// core's four, and since the layers issue all of them).
    static let covered: Set<String> = ["elementwise", "reductions", "shape", "linalg", "functional", "losses",
                                       "modules", "rnn", "attention", "transformer", "optimizers"]

    enum Outcome: Equatable { case passed, failed(String), notImplemented(String) }

    func testGoldenCases() throws {
        let folder = GoldenCase.folder()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") && $0 != "manifest.json" }.sorted()
        for family in GoldenTests.covered {
            XCTAssertTrue(files.contains(family + ".json"), "missing golden file \(family).json in \(folder.path)")
        }
        var passed = 0, failed = 0, missing = 0
        for file in files {
            for c in try GoldenCase.load(folder.appendingPathComponent(file)) {
                switch GoldenTests.run(c) {
                case .passed: passed += 1
                case .failed(let why):
                    failed += 1
                    XCTFail("golden \(c.family)/\(c.name): \(why)")
                case .notImplemented(let what):
                    missing += 1
                    if GoldenTests.covered.contains(c.family) {
                        XCTFail("golden \(c.family)/\(c.name): not implemented (\(what))")
                    }
                }
            }
        }
        print("golden: \(passed) passed, \(failed) failed, \(missing) not implemented")
    }

    static func run(_ c: GoldenCase) -> Outcome {
        do {
            switch c.kind {
            case "function", "module": return try runCall(c)
            case "optimizer": return try GoldenOptimizerRunner.run(c)
            case "clip": return try GoldenOptimizerRunner.runClip(c)
            default: return .notImplemented("\(c.kind) cases")
            }
        } catch let e as NotImplemented {
            return .notImplemented(e.what)
        } catch {
            return .failed("error: \(error)")
        }
    }

    private static func runCall(_ c: GoldenCase) throws -> Outcome {
        do {
            let inputs = c.inputs.mapValues { $0.clone() }
            for name in c.grads.keys { try inputs[name]?.requiresGrad(true) }
            var env: [String: PyValue] = [:]
            for (k, v) in inputs { env[k] = .tensor(v) }
            var module: Module? = nil
            if let text = c.module {
                guard case .module(let m) = try PyEval(env: env, functions: GoldenOps.table).eval(try PyParser.parse(text)) else {
                    return .failed("module text did not build a module")
                }
                try m.loadStateDict(c.params, strict: true)
                m.eval()
                env["m"] = .module(m)
                module = m
            }
            let params = Dictionary(uniqueKeysWithValues: module?.namedParameters() ?? [])
            let expr = try PyParser.parse(c.call)
            let result = try PyEval(env: env, functions: GoldenOps.table).eval(expr)
            let outs = PyEval.flatten(result)
            guard outs.count == c.output.count else {
                return .failed("\(outs.count) outputs, expected \(c.output.count)")
            }
            for (i, (o, e)) in zip(outs, c.output).enumerated() {
                guard let e = e else { continue }
                guard let o = o else { return .failed("output \(i) is None") }
                if let m = goldenMismatch(o, e, atol: c.atol, rtol: c.rtol) { return .failed("output \(i): \(m)") }
            }
            if !c.grads.isEmpty { try backward(outs, c.upstream) }
            for (name, expected) in c.grads.sorted(by: { $0.key < $1.key }) {
                let g = inputs[name]?.grad ?? params[name]?.grad ?? Tensor.zeros(expected.shape)
                if let m = goldenMismatch(g, expected, atol: c.atol, rtol: c.rtol) { return .failed("grad \(name): \(m)") }
            }
            return .passed
        }
    }

    /// Backpropagates sum_i sum(output_i * upstream_i) over outputs that carry a gradient.
    private static func backward(_ outs: [Tensor?], _ upstream: [Tensor?]) throws {
        var total: Tensor? = nil
        for (o, u) in zip(outs, upstream) {
            guard let o = o, let u = u, o.requiresGrad else { continue }
            let term = try o.mul(u).sum()
            total = try total.map { try $0.add(term) } ?? term
        }
        try total?.backward()
    }
}
