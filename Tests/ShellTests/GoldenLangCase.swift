import Foundation
import Tensor

/// One PyTorch golden case (Tests/Fixtures/torch/README.md describes the format), read for the
/// language-level runner.
struct GoldenLangCase {
    let family: String
    let name: String
    let kind: String
    let call: String
    let module: String?
    let inputs: [String: Tensor]
    let params: [String: Tensor]
    let output: [Tensor?]
    let upstream: [Tensor?]
    let grads: [String: Tensor]
    let atol: Double
    let rtol: Double
    let json: [String: Any]

    struct FormatError: Error, CustomStringConvertible { let description: String }

    /// `$MRSH_TORCH_GOLDEN`, else the project's copy of the golden files.
    static func folder() -> URL {
        if let env = ProcessInfo.processInfo.environment["MRSH_TORCH_GOLDEN"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/torch")
    }

    static func load(_ url: URL) throws -> [GoldenLangCase] {
        let data = try Data(contentsOf: url)
        guard let arr = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw FormatError(description: "\(url.lastPathComponent): expected a JSON array of cases")
        }
        let family = url.deletingPathExtension().lastPathComponent
        return try arr.map { try GoldenLangCase(family: family, json: $0) }
    }

    init(family: String, json c: [String: Any]) throws {
        self.family = family
        name = c["name"] as? String ?? "?"
        kind = c["kind"] as? String ?? "?"
        call = c["call"] as? String ?? ""
        module = c["module"] as? String
        inputs = try GoldenLangCase.tensorDict(c["inputs"], "\(name).inputs")
        params = try GoldenLangCase.tensorDict(c["params"], "\(name).params")
        grads = try GoldenLangCase.tensorDict(c["grads"], "\(name).grads")
        output = try GoldenLangCase.tensorList(c["output"], "\(name).output")
        upstream = try GoldenLangCase.tensorList(c["upstream"], "\(name).upstream")
        atol = (c["atol"] as? NSNumber)?.doubleValue ?? 1e-5
        rtol = (c["rtol"] as? NSNumber)?.doubleValue ?? 1e-5
        json = c
    }

    static func tensorDict(_ v: Any?, _ what: String) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (k, x) in v as? [String: Any] ?? [:] {
            guard let d = x as? [String: Any] else { throw FormatError(description: "\(what).\(k): not a tensor") }
            out[k] = try tensor(d, "\(what).\(k)")
        }
        return out
    }

    static func tensorList(_ v: Any?, _ what: String) throws -> [Tensor?] {
        if let d = v as? [String: Any] { return [try tensor(d, what)] }
        guard let arr = v as? [Any] else { return [] }
        return try arr.map { item in try (item as? [String: Any]).map { try tensor($0, what) } }
    }

    static func number(_ x: Any) -> Double {
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

    static func tensor(_ d: [String: Any], _ what: String) throws -> Tensor {
        guard let shape = d["shape"] as? [Int], let dtype = d["dtype"] as? String, let data = d["data"] as? [Any] else {
            throw FormatError(description: "\(what): malformed tensor")
        }
        switch dtype {
        case "float32": return try Tensor(data.map { Float(number($0)) }, shape: shape)
        case "int64": return try Tensor(ints: data.map { Int64(number($0)) }, shape: shape)
        case "bool": return try Tensor(bools: data.map { ($0 as? Bool) ?? (number($0) != 0) }, shape: shape)
        default: throw FormatError(description: "\(what): unknown dtype \(dtype)")
        }
    }
}

/// The golden rule: |a - e| <= atol + rtol |e| elementwise; NaN matches NaN, infinities and
/// integer/bool dtypes exactly. Returns the first mismatch, or nil.
func goldenLangMismatch(_ actual: Tensor, _ expected: Tensor, atol: Double, rtol: Double) -> String? {
    guard actual.shape == expected.shape else { return "shape \(actual.shape) != expected \(expected.shape)" }
    if expected.dtype != .float32 && actual.dtype != expected.dtype { return "dtype \(actual.dtype) != expected \(expected.dtype)" }
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
