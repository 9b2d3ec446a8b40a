import Foundation
import GoldenCases
import Interpreter
import Tensor
import XCTest
@testable import Shell

/// Evaluates every PyTorch golden case's `call` text through the language (inputs and params
/// bound as variables, `m` the module), checking outputs, gradients and optimizer steps: proof
/// that a PyTorch user's spelling works at the prompt. `swift test --filter GoldenLang`.
final class GoldenLangTests: XCTestCase {
    func testGoldenLang() throws {
        let folder = GoldenCase.folder()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") && $0 != "manifest.json" }.sorted()
        XCTAssertFalse(files.isEmpty, "no golden files in \(folder.path)")
        for family in ["elementwise", "reductions", "shape", "linalg", "functional", "losses", "modules", "rnn",
                       "attention", "transformer", "optimizers"] {
            XCTAssertTrue(files.contains(family + ".json"), "missing golden file \(family).json in \(folder.path)")
        }
        var passed = 0, failed = 0
        for file in files {
            for c in try GoldenCase.load(folder.appendingPathComponent(file)) {
                if let why = GoldenLangTests.run(c) {
                    failed += 1
                    XCTFail("golden-lang \(c.family)/\(c.name): \(why)")
                } else {
                    passed += 1
                }
            }
        }
        print("golden-lang: \(passed) passed, \(failed) failed")
    }

    /// Runs one case; nil when it passes, else what went wrong.
    static func run(_ c: GoldenCase) -> String? {
        Tensor.manualSeed(0)
        let session = Session(sinks: OutputSinks(out: { _ in }, err: { _ in }))
        let interp = session.interp
        do {
            try interp.run("import torch\n", file: "<golden>")
            switch c.kind {
            case "function", "module": return try runCall(c, interp)
            case "optimizer": return try runOptimizer(c, interp)
            case "clip": return try runClip(c, interp)
            default: return "unknown kind \(c.kind)"
            }
        } catch {
            return "error: " + interp.formatError(error)
        }
    }

    static func tensor(_ v: Value?) -> Tensor? {
        if case .host(let t as TensorObject)? = v { return t.t }
        return nil
    }

    /// Tensors of a (nested) result in depth-first order; None becomes nil.
    static func flatten(_ v: Value) -> [Tensor?] {
        switch v {
        case .host(let t as TensorObject): return [t.t]
        case .tuple(let xs): return xs.flatMap(flatten)
        case .list(let l): return l.items.flatMap(flatten)
        case .int(let n): return [Tensor.scalar(n)]
        case .float(let d): return [Tensor.scalar(d)]
        default: return [nil]
        }
    }

    static func runCall(_ c: GoldenCase, _ interp: Interpreter) throws -> String? {
        var inputs: [String: Tensor] = [:]
        for (k, v) in c.inputs {
            let t = v.clone()
            if c.grads[k] != nil { try t.requiresGrad(true) }
            inputs[k] = t
            interp[global: k] = Convert.wrap(t)
        }
        var params: [String: Tensor] = [:]
        if let text = c.module {
            try interp.run("m = " + text + "\n", file: "<module>")
            guard let m = interp[global: "m"].flatMap(Convert.module) else { return "module text did not build a module" }
            try m.loadStateDict(c.params, strict: true)
            try interp.run("m.eval()\n", file: "<module>")
            params = Dictionary(uniqueKeysWithValues: m.namedParameters())
        }
        interp.rememberSource(c.call, file: "<call>")
        let result = try interp.evaluate(c.call, file: "<call>")
        let outs = flatten(result)
        guard outs.count == c.output.count else { return "\(outs.count) outputs, expected \(c.output.count)" }
        for (i, (o, e)) in zip(outs, c.output).enumerated() {
            guard let e = e else { continue }
            guard let o = o else { return "output \(i) is None" }
            if let m = goldenMismatch(o, e, atol: c.atol, rtol: c.rtol) { return "output \(i): \(m)" }
        }
        if !c.grads.isEmpty {
            var total: Tensor? = nil
            for (o, u) in zip(outs, c.upstream) {
                guard let o = o, let u = u, o.requiresGrad else { continue }
                let term = try o.mul(u).sum()
                total = try total.map { try $0.add(term) } ?? term
            }
            try total?.backward()
        }
        for (name, expected) in c.grads.sorted(by: { $0.key < $1.key }) {
            let g = inputs[name]?.grad ?? params[name]?.grad ?? Tensor.zeros(expected.shape)
            if let m = goldenMismatch(g, expected, atol: c.atol, rtol: c.rtol) { return "grad \(name): \(m)" }
        }
        return nil
    }

    /// Optimizer cases: gradients are set from Swift, the learning rate and `step()` go through
    /// the language (`g["lr"] = ...` on `opt.param_groups`), params and state are compared.
    static func runOptimizer(_ c: GoldenCase, _ interp: Interpreter) throws -> String? {
        let params = try c.inputs.mapValues { try $0.clone().requiresGrad(true) }
        for (k, v) in params { interp[global: k] = .host(TensorObject(v, parameter: true)) }
        try interp.run("opt = " + c.call + "\n", file: "<call>")
        guard case .host(let o as OptimizerObject)? = interp[global: "opt"] else { return "call did not build an optimizer" }
        guard let steps = c.json["steps"] as? [[String: Any]] else { return "no steps" }
        for (i, step) in steps.enumerated() {
            for (k, v) in step["grads"] as? [String: Any] ?? [:] {
                params[k]?.grad = try GoldenCase.tensor(v as? [String: Any] ?? [:], "steps.\(i).grads.\(k)")
            }
            if let lr = step["lr"] as? NSNumber {
                try interp.run("for g in opt.param_groups:\n    g['lr'] = \(lr.doubleValue)\n", file: "<lr>")
            }
            try interp.run("opt.step()\n", file: "<step>")
            for (k, v) in step["params"] as? [String: Any] ?? [:] {
                let expected = try GoldenCase.tensor(v as? [String: Any] ?? [:], "params")
                guard let p = params[k] else { return "unknown param \(k)" }
                if let m = goldenMismatch(p, expected, atol: c.atol, rtol: c.rtol) { return "step \(i) param \(k): \(m)" }
            }
            for (k, v) in step["state"] as? [String: Any] ?? [:] {
                guard let p = params[k], let entries = v as? [String: Any] else { continue }
                let st = o.opt.state(for: p)
                for (name, value) in entries {
                    if name == "step" {
                        if st.step != GoldenCase.number(value) { return "step \(i) state \(k).step: \(st.step)" }
                        continue
                    }
                    guard let actual = st.buffers[name] else { return "step \(i): missing state \(k).\(name)" }
                    let expected = try GoldenCase.tensor(value as? [String: Any] ?? [:], name)
                    if let m = goldenMismatch(actual, expected, atol: c.atol, rtol: c.rtol) { return "step \(i) state \(k).\(name): \(m)" }
                }
            }
        }
        return nil
    }

    static func runClip(_ c: GoldenCase, _ interp: Interpreter) throws -> String? {
        let params = try c.inputs.mapValues { try $0.clone().requiresGrad(true) }
        for (k, v) in c.json["grads_in"] as? [String: Any] ?? [:] {
            params[k]?.grad = try GoldenCase.tensor(v as? [String: Any] ?? [:], "grads_in.\(k)")
        }
        for (k, v) in params { interp[global: k] = .host(TensorObject(v, parameter: true)) }
        let result = try interp.evaluate(c.call, file: "<call>")
        if let expected = c.output.first ?? nil {
            guard let t = tensor(result) else { return "expected a tensor result" }
            if let m = goldenMismatch(t, expected, atol: c.atol, rtol: c.rtol) { return "total norm: \(m)" }
        }
        for (k, v) in c.json["grads_out"] as? [String: Any] ?? [:] {
            let expected = try GoldenCase.tensor(v as? [String: Any] ?? [:], "grads_out.\(k)")
            guard let g = params[k]?.grad else { return "no grad for \(k)" }
            if let m = goldenMismatch(g, expected, atol: c.atol, rtol: c.rtol) { return "grad \(k): \(m)" }
        }
        return nil
    }
}
