@testable import Engine
import Foundation

/// JSON as Foundation values for the tests, parsed by the Engine's `PlainJSON` (numbers through
/// Swift's exact `Double(String)`: Linux Foundation's JSONSerialization rounds some doubles by one
/// ulp, which exact comparisons with PyTorch's and Mini-RETURNN's numbers cannot allow).
/// Integers without a fraction or exponent are `Int`, other numbers `Double`, `null` is `NSNull`.
enum ExactJSON {
    static func parse(_ data: Data) throws -> Any {
        foundation(try PlainJSON.decode(String(decoding: data, as: UTF8.self)))
    }

    private static func foundation(_ v: PickleValue) -> Any {
        switch v {
        case .none: return NSNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .float(let d): return d
        case .string(let s): return s
        case .bytes(let b): return b
        case .tuple(let xs), .list(let xs): return xs.map(foundation)
        case .dict(let d):
            var out: [String: Any] = [:]
            for (k, x) in zip(d.keys, d.values) { if let key = k.stringValue { out[key] = foundation(x) } }
            return out
        case .tensor(let t): return t
        }
    }
}
