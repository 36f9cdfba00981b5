/// The one line of output each admitted item ends as: a result or an error.
public struct Record: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case result(JSONObject)
        /// `stage` is where the item failed.
        case error(stage: String, message: String)
    }

    public let metadata: ItemMetadata
    public let outcome: Outcome

    public init(metadata: ItemMetadata, outcome: Outcome) {
        self.metadata = metadata
        self.outcome = outcome
    }

    public var isError: Bool {
        if case .error = outcome { return true }
        return false
    }

    /// The record as written to JSONL: `index`, `source`, `status` first, then the result's
    /// fields, or `stage` and `error` for a failure.
    public var json: JSONObject {
        var object: JSONObject = [
            "index": .number(Double(metadata.index)),
            "source": .string(metadata.sourceID),
        ]
        switch outcome {
        case .result(let fields):
            object["status"] = "ok"
            for (key, value) in fields.entries where object[key] == nil { object[key] = value }
        case let .error(stage, message):
            object["status"] = "error"
            object["stage"] = .string(stage)
            object["error"] = .string(message)
        }
        return object
    }
}

/// A final stage's output type that knows how to appear in a record.
public protocol RecordConvertible: Sendable {
    var recordFields: JSONObject { get }
}

extension JSONObject: RecordConvertible {
    public var recordFields: JSONObject { self }
}

enum RecordBuilder {
    /// Fields for a final value: `RecordConvertible` and JSON objects as they are, plain
    /// scalars under "value"; anything else cannot be written.
    static func fields(for value: any Sendable) -> JSONObject? {
        switch value {
        case let convertible as any RecordConvertible: return convertible.recordFields
        case let json as JSONValue:
            if case .object(let object) = json { return object }
            return ["value": json]
        case let text as String: return ["value": .string(text)]
        case let flag as Bool: return ["value": .bool(flag)]
        case let number as Int: return ["value": .number(Double(number))]
        case let number as Double: return ["value": .number(number)]
        case let number as Float: return ["value": .number(Double(number))]
        default: return nil
        }
    }
}
