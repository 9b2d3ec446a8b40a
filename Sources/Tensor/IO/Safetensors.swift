import Foundation

/// A safetensors file that cannot be read or written; names the file and the problem.
public struct SafetensorsError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String

    public var description: String { "\(path): \(message)" }
}

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}`,
/// padded with spaces to a multiple of 8), then the raw little-endian data of all tensors,
/// back to back, offsets relative to the end of the header. Readable with the `safetensors` package.
public enum Safetensors {
    /// Largest header accepted when reading (the reference implementation's limit, 100 MB).
    public static let maximumHeaderSize = 100_000_000

    /// Writes `tensors` (in this order) and `metadata` to `path` atomically (temp file, fsync, rename).
    public static func write(_ tensors: [TensorRecord], metadata: [String: String] = [:], to path: String) throws {
        let header = try headerBytes(tensors, metadata: metadata, path: path)
        let writer = try AtomicFileWriter(path: path, temporaryPath: path + ".tmp")
        do {
            try writer.write(TensorRecord.littleEndianBytes([UInt64(header.count)]))
            try writer.write(header)
            for tensor in tensors { try writer.write(tensor.bytes) }
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// The padded JSON header for `tensors`, after checking names and data sizes.
    static func headerBytes(_ tensors: [TensorRecord], metadata: [String: String], path: String) throws -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { jsonString($0) + ":" + jsonString(metadata[$0]!) }
            parts.append("\"__metadata__\":{" + items.joined(separator: ",") + "}")
        }
        var offset = 0
        var seen = Set<String>()
        for tensor in tensors {
            guard tensor.name != "__metadata__", seen.insert(tensor.name).inserted else {
                throw SafetensorsError(path: path, message: "duplicate or reserved tensor name '\(tensor.name)'")
            }
            guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.bytes.count == tensor.elementCount * tensor.dtype.byteSize else {
                throw SafetensorsError(path: path, message: "tensor '\(tensor.name)': \(tensor.bytes.count) bytes do not fit shape \(tensor.shape) of \(tensor.dtype.safetensorsName)")
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            parts.append(jsonString(tensor.name) + ":{\"dtype\":\"\(tensor.dtype.safetensorsName)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + tensor.bytes.count)]}")
            offset += tensor.bytes.count
        }
        var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        return header
    }

    /// JSON string literal with the escapes JSON requires (also used by the Engine's JSON writer).
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Reads every tensor of the file, in data order, and its metadata.
    public static func read(_ path: String) throws -> (tensors: [TensorRecord], metadata: [String: String]) {
        let file = try SafetensorsFile(path: path)
        return (try file.entries.map { try file.record($0.name) }, file.metadata)
    }
}
