import Foundation

/// What to do when one item fails in a stage.
public enum ErrorPolicy: String, Sendable, Codable, CaseIterable {
    /// Write an error record for the item and carry on with the others.
    case skip
    /// Write the error record, then stop the run with an error (non-zero exit).
    case fail
}

/// Run-wide settings; each stage may override the batching ones.
public struct PipelineDefaults: Sendable, Equatable {
    public var batchSize: Int = 1
    /// How long a partial batch waits for more items before it is processed anyway.
    public var batchTimeoutMs: Int = 50
    public var onError: ErrorPolicy = .skip
    /// Emit records in input order (a reorder buffer holds early finishers).
    public var ordered: Bool = false
    /// Items admitted but not yet recorded; the source waits when this many are in flight,
    /// which is what bounds memory.
    public var maxInFlight: Int = 256

    public init(batchSize: Int = 1, batchTimeoutMs: Int = 50, onError: ErrorPolicy = .skip, ordered: Bool = false, maxInFlight: Int = 256) {
        self.batchSize = batchSize
        self.batchTimeoutMs = batchTimeoutMs
        self.onError = onError
        self.ordered = ordered
        self.maxInFlight = maxInFlight
    }
}

/// A pipeline file: named stages wired into a DAG through their input ports.
public struct PipelineDefinition: Sendable {
    public var name: String?
    public var description: String?
    public var defaults: PipelineDefaults
    public var stages: [StageDefinition]
    /// The pipeline file, when it was read from disk: relative paths in options resolve
    /// against its folder.
    public var file: URL?

    public init(name: String? = nil, description: String? = nil, defaults: PipelineDefaults = PipelineDefaults(),
                stages: [StageDefinition], file: URL? = nil) {
        self.name = name
        self.description = description
        self.defaults = defaults
        self.stages = stages
        self.file = file
    }

    public func stage(named name: String) -> StageDefinition? { stages.first { $0.name == name } }

    /// The resolver for paths written in this pipeline's options.
    public var paths: PipelinePaths { PipelinePaths(pipelineFile: file) }
}

/// Where a stage input comes from: `"stage"` (its only output) or `"stage.port"`.
public struct StageReference: Sendable, Hashable, CustomStringConvertible {
    public var stage: String
    public var port: String?

    public init(stage: String, port: String? = nil) {
        self.stage = stage
        self.port = port
    }

    /// Splits at the last dot: stage names may not contain dots (validation enforces it).
    public init(parsing text: String) {
        if let dot = text.lastIndex(of: ".") {
            stage = String(text[..<dot])
            port = String(text[text.index(after: dot)...])
        } else {
            stage = text
            port = nil
        }
    }

    public var description: String { port.map { "\(stage).\($0)" } ?? stage }
}

public struct InputBinding: Sendable, Hashable {
    public var port: String
    public var source: StageReference

    public init(port: String, source: StageReference) {
        self.port = port
        self.source = source
    }
}

/// One stage of a pipeline. `options` stays raw JSON (with positions) until the stage type
/// decodes it into its own options struct.
public struct StageDefinition: Sendable {
    public var name: String
    public var type: String
    public var inputs: [InputBinding]
    public var options: JSONNode
    /// Parallel workers processing this stage's batches.
    public var workers: Int
    public var batchSize: Int?
    public var batchTimeoutMs: Int?
    /// Where this stage sits in the file (`stages[i]`), for error messages.
    public var path: JSONPath

    public init(name: String, type: String, inputs: [InputBinding] = [], options: JSONNode = JSONNode(.object([]), at: SourceLocation(line: 1, column: 1)),
                workers: Int = 1, batchSize: Int? = nil, batchTimeoutMs: Int? = nil, path: JSONPath = .root) {
        self.name = name
        self.type = type
        self.inputs = inputs
        self.options = options
        self.workers = workers
        self.batchSize = batchSize
        self.batchTimeoutMs = batchTimeoutMs
        self.path = path
    }
}
