import Foundation
import GoldenCases
import Tensor

/// Runs `optimizer` cases (5 steps compared with PyTorch's params and state) and `clip` cases.
enum GoldenOptimizerRunner {
    static func run(_ c: GoldenCase) throws -> GoldenTests.Outcome {
        let params = try c.inputs.mapValues { try $0.clone().requiresGrad(true) }
        var env: [String: PyValue] = [:]
        for (k, v) in params { env[k] = .tensor(v) }
        guard case .optimizer(let opt) = try PyEval(env: env, functions: GoldenOps.table).eval(try PyParser.parse(c.call)) else {
            return .failed("call did not build an optimizer")
        }
        guard let steps = c.json["steps"] as? [[String: Any]] else { return .failed("no steps") }
        for (i, step) in steps.enumerated() {
            for (k, v) in step["grads"] as? [String: Any] ?? [:] {
                params[k]?.grad = try GoldenCase.tensor(v as? [String: Any] ?? [:], "\(c.name).steps.\(i).grads.\(k)")
            }
            if let lr = step["lr"] as? NSNumber { opt.setLearningRate(lr.doubleValue) }
            try opt.step()
            for (k, v) in step["params"] as? [String: Any] ?? [:] {
                let expected = try GoldenCase.tensor(v as? [String: Any] ?? [:], "params")
                guard let p = params[k] else { return .failed("unknown param \(k)") }
                if let m = goldenMismatch(p, expected, atol: c.atol, rtol: c.rtol) { return .failed("step \(i) param \(k): \(m)") }
            }
            for (k, v) in step["state"] as? [String: Any] ?? [:] {
                guard let p = params[k], let entries = v as? [String: Any] else { continue }
                let st = opt.state(for: p)
                for (name, value) in entries {
                    if name == "step" {
                        let want = GoldenCase.number(value)
                        if st.step != want { return .failed("step \(i) state \(k).step: \(st.step) vs \(want)") }
                        continue
                    }
                    guard let actual = st.buffers[name] else { return .failed("step \(i): missing state \(k).\(name)") }
                    let expected = try GoldenCase.tensor(value as? [String: Any] ?? [:], name)
                    if let m = goldenMismatch(actual, expected, atol: c.atol, rtol: c.rtol) {
                        return .failed("step \(i) state \(k).\(name): \(m)")
                    }
                }
            }
        }
        return .passed
    }

    static func runClip(_ c: GoldenCase) throws -> GoldenTests.Outcome {
        let params = try c.inputs.mapValues { try $0.clone().requiresGrad(true) }
        for (k, v) in c.json["grads_in"] as? [String: Any] ?? [:] {
            params[k]?.grad = try GoldenCase.tensor(v as? [String: Any] ?? [:], "grads_in.\(k)")
        }
        var env: [String: PyValue] = [:]
        for (k, v) in params { env[k] = .tensor(v) }
        let result = try PyEval(env: env, functions: GoldenOps.table).eval(try PyParser.parse(c.call))
        if let expected = c.output.first ?? nil {
            guard case .tensor(let t) = result else { return .failed("expected a tensor result") }
            if let m = goldenMismatch(t, expected, atol: c.atol, rtol: c.rtol) { return .failed("total norm: \(m)") }
        }
        for (k, v) in c.json["grads_out"] as? [String: Any] ?? [:] {
            let expected = try GoldenCase.tensor(v as? [String: Any] ?? [:], "grads_out.\(k)")
            guard let g = params[k]?.grad else { return .failed("no grad for \(k)") }
            if let m = goldenMismatch(g, expected, atol: c.atol, rtol: c.rtol) { return .failed("grad \(k): \(m)") }
        }
        return .passed
    }
}
