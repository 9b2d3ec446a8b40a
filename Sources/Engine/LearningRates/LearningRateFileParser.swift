/// A syntax or content error in a learning_rates file, with its position (1-based).
public struct LearningRateFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Parses the Python literal that RETURNN's learning_rates file holds:
/// `{epoch: EpochData(learningRate=<num|None>, error={'key': num, ...}), ...}`, with any
/// whitespace, trailing commas, positional arguments, `float('nan')`, bare `nan`/`inf`, and the
/// old format where `error` is a single number (kept as `old_format_score`).
public struct LearningRateFileParser {
    private var scanner: PyLiteralScanner

    /// - Parameter file: the name used in error messages.
    public init(text: String, file: String) {
        scanner = PyLiteralScanner(text: text, file: file)
    }

    /// Parses the whole text.
    public static func parse(_ text: String, file: String) throws -> [Int: EpochData] {
        var parser = LearningRateFileParser(text: text, file: file)
        return try parser.parseFile()
    }

    mutating func parseFile() throws -> [Int: EpochData] {
        var epochs: [Int: EpochData] = [:]
        try scanner.expect("{")
        while try !scanner.consumeIf("}") {
            let (line, column) = scanner.position
            guard case .int(let epoch) = try scanner.number() else {
                throw scanner.error("expected an integer epoch number", line, column)
            }
            try scanner.expect(":")
            epochs[epoch] = try parseEpochData()
            if try !scanner.consumeIf(",") {
                try scanner.expect("}")
                break
            }
        }
        try scanner.expectEnd()
        return epochs
    }

    /// `EpochData(learningRate=..., error=...)` with keyword or positional arguments.
    private mutating func parseEpochData() throws -> EpochData {
        let (line, column) = scanner.position
        guard try scanner.identifier() == "EpochData" else {
            throw scanner.error("expected EpochData(...)", line, column)
        }
        try scanner.expect("(")
        var learningRate: Double?
        var error: [String: Double] = [:]
        var index = 0
        while try !scanner.consumeIf(")") {
            let name = try scanner.keywordArgument() ?? (index == 0 ? "learningRate" : index == 1 ? "error" : "")
            let (argLine, argColumn) = scanner.position
            switch name {
            case "learningRate": learningRate = try scanner.optionalNumber()?.double
            case "error": error = try parseError()
            default: throw scanner.error("unexpected argument of EpochData", argLine, argColumn)
            }
            index += 1
            if try !scanner.consumeIf(",") {
                try scanner.expect(")")
                break
            }
        }
        return EpochData(learningRate: learningRate, error: error)
    }

    /// The error dict, None (empty), or a single old-format score.
    private mutating func parseError() throws -> [String: Double] {
        if try scanner.peekIs("{") {
            return try parseScoreDict()
        }
        guard let value = try scanner.optionalNumber() else { return [:] }
        return ["old_format_score": value.double]
    }

    private mutating func parseScoreDict() throws -> [String: Double] {
        var scores: [String: Double] = [:]
        try scanner.expect("{")
        while try !scanner.consumeIf("}") {
            let key = try scanner.string()
            try scanner.expect(":")
            let (line, column) = scanner.position
            guard let value = try scanner.optionalNumber() else {
                throw scanner.error("score '\(key)' must be a number", line, column)
            }
            scores[key] = value.double
            if try !scanner.consumeIf(",") {
                try scanner.expect("}")
                break
            }
        }
        return scores
    }
}
