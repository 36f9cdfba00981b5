import GPUCore
import Logging

/// What flows through a port, e.g. "files", "image", "tensor". Validation only checks that
/// the kinds at both ends of an edge are equal (or one of them is `.any`); stages add deeper
/// checks (shapes, dtypes) through `checkConnections`.
public struct PortKind: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }
    public var description: String { name }

    /// Accepts or produces anything; sinks take `.any` because every stage's output can be
    /// written as a record.
    public static let any = PortKind("any")

    public func accepts(_ produced: PortKind) -> Bool { self == .any || produced == .any || self == produced }
}

public struct PortSpec: Sendable, Equatable {
    public let name: String
    public let kind: PortKind
    public let description: String

    public init(_ name: String, kind: PortKind, description: String = "") {
        self.name = name
        self.kind = kind
        self.description = description
    }
}

/// A stage type's options: decoded from the stage's `options` object and able to describe
/// itself as JSON Schema (for `sluice schema` and for flagging unknown keys).
public protocol StageOptions: Decodable, Sendable {
    static var schema: JSONSchemaNode { get }
}

/// Options for stage types that take none.
public struct NoOptions: StageOptions, Equatable {
    public init() {}
    public static var schema: JSONSchemaNode { .empty }
}

/// The static description every stage type shares, whatever its role.
public protocol StageTypeDescription: SendableMetatype {
    associatedtype Options: StageOptions
    /// The `type` string used in pipeline files, e.g. "image.decode".
    static var typeName: String { get }
    /// One sentence for schemas and `sluice stages`.
    static var summary: String { get }
    static var inputPorts: [PortSpec] { get }
    static var outputPorts: [PortSpec] { get }
    /// Semantic checks beyond port kinds, run by `validate()` once options decode and every
    /// input is wired (e.g. a model's input shape against the preprocess output). Paths in
    /// the returned issues are relative to the stage (`["options", "model"]`).
    static func checkConnections(options: Options, context: StageCheckContext) -> [StageIssue]
}

extension StageTypeDescription {
    public static func checkConnections(options: Options, context: StageCheckContext) -> [StageIssue] { [] }
    public static var summary: String { "" }
}

/// A processing stage: receives batches of joined inputs and returns one result per input,
/// in the same order. A thrown error fails every item of the batch (cancellation excepted).
public protocol Stage: StageTypeDescription, Sendable {
    init(options: Options, context: StageContext) throws
    func process(_ batch: [StageInput]) async throws -> [StageResult]
}

/// The one stage with no inputs: lists the items of the run.
public protocol SourceStage: StageTypeDescription, Sendable {
    init(options: Options, context: StageContext) throws
    /// Emits every item, in a deterministic order (indices and `--shard` depend on it).
    func produce(into emitter: SourceEmitter) async throws
}

extension SourceStage {
    public static var inputPorts: [PortSpec] { [] }
}

/// A record writer at the end of the pipeline. Its single input port accepts `.any`; the
/// engine turns each arriving value into a `Record` before calling `write`.
public protocol SinkStage: StageTypeDescription, Sendable {
    init(options: Options, context: StageContext) throws
    /// Prepares the output. With `resume`, keeps existing records (repairing a torn last
    /// line) and returns the source ids they cover; otherwise starts the output afresh.
    func open(resume: Bool) throws -> Set<String>
    func write(_ record: Record) throws
    func close() throws
}

extension SinkStage {
    public static var inputPorts: [PortSpec] { [PortSpec("records", kind: .any, description: "the values to write, one record per item")] }
    public static var outputPorts: [PortSpec] { [] }
}

/// Everything a stage instance may need from its surroundings when it is created.
public struct StageContext: Sendable {
    public let stageName: String
    public let paths: PipelinePaths
    public let defaults: PipelineDefaults
    public let logger: Logger
    /// The GPU device shared by the run's stages.
    public let gpu: GPUProvider

    public init(stageName: String, paths: PipelinePaths, defaults: PipelineDefaults = PipelineDefaults(), logger: Logger? = nil,
                gpu: GPUProvider = GPUProvider()) {
        self.stageName = stageName
        self.paths = paths
        self.defaults = defaults
        self.logger = logger ?? Logger(label: "sluice.pipeline.\(stageName)")
        self.gpu = gpu
    }
}

/// What `checkConnections` sees: the stage and, for each input port, what feeds it.
public struct StageCheckContext: Sendable {
    public struct Upstream: Sendable {
        public let stageName: String
        public let stageType: String
        public let port: PortSpec
        /// The upstream stage's decoded options, to be cast to its options type.
        public let options: any StageOptions
    }

    public let stage: StageDefinition
    public let paths: PipelinePaths
    public let inputs: [String: Upstream]
}

/// A problem found by a stage type's own check, relative to the stage's JSON path.
public struct StageIssue: Sendable, Equatable {
    public var path: JSONPath
    public var message: String
    public var hint: String?

    public init(path: JSONPath = .root, _ message: String, hint: String? = nil) {
        self.path = path
        self.message = message
        self.hint = hint
    }
}
