import Foundation
import Tensor

/// A malformed golden file or case.
public struct GoldenFormatError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One case of a PyTorch golden file (see Tests/Fixtures/torch/README.md), shared by the Swift-API
/// runner (TensorTests) and the language runner (ShellTests).
public struct GoldenCase {
    public let family: String
    public let name: String
    public let kind: String
    public let call: String
    public let inputs: [String: Tensor]
    public let output: [Tensor?]
    public let upstream: [Tensor?]
    public let grads: [String: Tensor]
    public let atol: Double
    public let rtol: Double
    /// `module` cases: constructor text and state_dict; `optimizer`/`clip` cases: the raw JSON.
    public let module: String?
    public let params: [String: Tensor]
    public let json: [String: Any]

    /// The folder of golden files: $MRSH_TORCH_GOLDEN, else the project's copy.
    public static func folder() -> URL {
        let file = #filePath
        if let env = ProcessInfo.processInfo.environment["MRSH_TORCH_GOLDEN"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/torch")
    }

    /// All cases of `<family>.json` in `folder`; a missing or malformed file throws.
    public static func load(_ url: URL) throws -> [GoldenCase] {
        let data = try Data(contentsOf: url)
        guard let arr = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw GoldenFormatError("\(url.lastPathComponent): expected a JSON array of cases")
        }
        let family = url.deletingPathExtension().lastPathComponent
        return try arr.map { try GoldenCase(family: family, json: $0) }
    }

    public init(family: String, json c: [String: Any]) throws {
        self.family = family
        name = c["name"] as? String ?? "?"
        kind = c["kind"] as? String ?? "?"
        call = c["call"] as? String ?? ""
        var ins: [String: Tensor] = [:]
        for (k, v) in c["inputs"] as? [String: Any] ?? [:] {
            if let d = v as? [String: Any] { ins[k] = try GoldenCase.tensor(d, "\(name).inputs.\(k)") }
        }
        inputs = ins
        output = try GoldenCase.tensorList(c["output"], "\(name).output")
        upstream = try GoldenCase.tensorList(c["upstream"], "\(name).upstream")
        var gs: [String: Tensor] = [:]
        for (k, v) in c["grads"] as? [String: Any] ?? [:] {
            if let d = v as? [String: Any] { gs[k] = try GoldenCase.tensor(d, "\(name).grads.\(k)") }
        }
        grads = gs
        module = c["module"] as? String
        var ps: [String: Tensor] = [:]
        for (k, v) in c["params"] as? [String: Any] ?? [:] {
            if let d = v as? [String: Any] { ps[k] = try GoldenCase.tensor(d, "\(name).params.\(k)") }
        }
        params = ps
        json = c
        atol = (c["atol"] as? NSNumber)?.doubleValue ?? 1e-5
        rtol = (c["rtol"] as? NSNumber)?.doubleValue ?? 1e-5
    }

    public static func tensorList(_ v: Any?, _ what: String) throws -> [Tensor?] {
        if let d = v as? [String: Any] { return [try tensor(d, what)] }
        if let arr = v as? [Any] {
            return try arr.map { item -> Tensor? in
                guard let d = item as? [String: Any] else { return nil }
                return try tensor(d, what)
            }
        }
        return []
    }

    public static func number(_ x: Any) -> Double {
        if let s = x as? String {
            switch s {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: return Double(s) ?? .nan
            }
        }
        if let b = x as? Bool { return b ? 1 : 0 }
        return (x as? NSNumber)?.doubleValue ?? .nan
    }

    public static func tensor(_ d: [String: Any], _ what: String) throws -> Tensor {
        guard let shape = d["shape"] as? [Int], let dtype = d["dtype"] as? String, let data = d["data"] as? [Any] else {
            throw GoldenFormatError("\(what): malformed tensor")
        }
        switch dtype {
        case "float32": return try Tensor(data.map { Float(number($0)) }, shape: shape)
        case "int64": return try Tensor(ints: data.map { Int64(number($0)) }, shape: shape)
        case "bool": return try Tensor(bools: data.map { ($0 as? Bool) ?? (number($0) != 0) }, shape: shape)
        default: throw GoldenFormatError("\(what): unknown dtype \(dtype)")
        }
    }
}

/// Elementwise comparison with the golden rule: |a - e| <= atol + rtol |e|, NaN matches NaN,
/// infinities exactly, integer and bool dtypes exactly. Returns a description of the first mismatch.
public func goldenMismatch(_ actual: Tensor, _ expected: Tensor, atol: Double, rtol: Double) -> String? {
    guard actual.shape == expected.shape else {
        return "shape \(actual.shape) != expected \(expected.shape)"
    }
    if expected.dtype != .float32 && actual.dtype != expected.dtype {
        return "dtype \(actual.dtype) != expected \(expected.dtype)"
    }
    let a = actual.toDoubleArray(), e = expected.toDoubleArray()
    for i in 0..<e.count {
        let (x, y) = (a[i], e[i])
        let ok: Bool
        if y.isNaN { ok = x.isNaN } else if y.isInfinite || expected.dtype != .float32 { ok = x == y } else {
            ok = abs(x - y) <= atol + rtol * abs(y)
        }
        if !ok { return "element \(i): \(x) vs expected \(y)" }
    }
    return nil
}
