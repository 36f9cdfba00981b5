import Foundation

/// Identity of one input item as it travels through the pipeline.
public struct ItemMetadata: Sendable, Hashable {
    /// Position in the source's full listing (before `--shard` and `--resume` filtering), so
    /// it means the same thing in every shard.
    public let index: Int
    /// A stable id for the item, usually its source path; the key for sharding and resume.
    public let sourceID: String
    /// Position among the items this run admitted (0, 1, 2, …); the order `ordered` restores.
    public let sequence: Int

    public init(index: Int, sourceID: String, sequence: Int) {
        self.index = index
        self.sourceID = sourceID
        self.sequence = sequence
    }
}

/// One item's inputs at a stage, by port name.
public struct StageInput: Sendable {
    public let metadata: ItemMetadata
    public let values: [String: any Sendable]

    public init(metadata: ItemMetadata, values: [String: any Sendable]) {
        self.metadata = metadata
        self.values = values
    }

    /// The value on `port` as `T`; a missing port or another type is an item error.
    public func value<T>(_ port: String, as type: T.Type = T.self) throws(StageInputError) -> T {
        guard let raw = values[port] else { throw .missingPort(port, available: values.keys.sorted()) }
        guard let typed = raw as? T else { throw .wrongType(port: port, expected: "\(T.self)", found: "\(Swift.type(of: raw))") }
        return typed
    }

    /// The value of a stage's only input port.
    public func value<T>(as type: T.Type = T.self) throws(StageInputError) -> T {
        guard values.count == 1, let port = values.keys.first else { throw .missingPort("(single input)", available: values.keys.sorted()) }
        return try value(port, as: T.self)
    }
}

public enum StageInputError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public var errorDescription: String? { description }

    case missingPort(String, available: [String])
    case wrongType(port: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .missingPort(port, available):
            "no value on input port \"\(port)\" (ports with values: \(available.joined(separator: ", ")))"
        case let .wrongType(port, expected, found):
            "input port \"\(port)\" carries \(found), the stage expects \(expected); check the port kinds of the stage types"
        }
    }
}

/// A stage's answer for one item.
public enum StageResult: Sendable {
    /// The value of the stage's only output port.
    case value(any Sendable)
    /// Values by output port, for stages with several outputs.
    case ports([String: any Sendable])
    /// The item failed here; it becomes an error record naming this stage.
    case failure(String)

    /// `.failure` with the error's user-facing message.
    public static func failure(_ error: any Error) -> StageResult { .failure(ErrorMessage.describe(error)) }
}

/// Hands source items to the engine. `emit` suspends while the pipeline is full.
public struct SourceEmitter: Sendable {
    let emitValue: @Sendable (String, Result<any Sendable, SourceItemFailure>) async throws -> Void
    let announceTotal: @Sendable (Int) -> Void

    public init(emit: @escaping @Sendable (String, Result<any Sendable, SourceItemFailure>) async throws -> Void,
                announceTotal: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.emitValue = emit
        self.announceTotal = announceTotal
    }

    public func emit(sourceID: String, value: any Sendable) async throws { try await emitValue(sourceID, .success(value)) }

    /// An item that exists but could not be read; it becomes an error record.
    public func emitFailure(sourceID: String, message: String) async throws {
        try await emitValue(sourceID, .failure(SourceItemFailure(message: message)))
    }

    /// The number of items the source will emit, when known up front (enables progress ETA).
    public func announce(total: Int) { announceTotal(total) }
}

public struct SourceItemFailure: Error, Sendable {
    public let message: String
}

enum ErrorMessage {
    /// The most helpful text an error offers: `LocalizedError`'s description, else its own.
    static func describe(_ error: any Error) -> String {
        if let localized = (error as? any LocalizedError)?.errorDescription { return localized }
        return String(describing: error)
    }
}
