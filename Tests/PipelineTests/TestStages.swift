import Foundation
import Pipeline

/// Small in-memory stage types used by the engine and validation tests.

/// Shared observations a test reads back from stages it configured (stages are created by the
/// registry from options, so a probe is looked up by the id given in the options).
final class Probe: @unchecked Sendable {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var probes: [String: Probe] = [:]

    static func make() -> (String, Probe) {
        let probe = Probe()
        let id = UUID().uuidString
        lock.withLock { probes[id] = probe }
        return (id, probe)
    }

    static func named(_ id: String?) -> Probe? {
        guard let id else { return nil }
        return lock.withLock { probes[id] }
    }

    private let lock = NSLock()
    private(set) var batchSizes: [Int] = []
    private(set) var active = 0
    private(set) var maxActive = 0
    private(set) var processed = 0

    func enter(batch: Int) {
        lock.withLock {
            batchSizes.append(batch)
            active += 1
            maxActive = max(maxActive, active)
        }
    }

    func leave(items: Int) { lock.withLock { active -= 1; processed += items } }
    var snapshot: (batches: [Int], maxActive: Int, processed: Int) { lock.withLock { (batchSizes, maxActive, processed) } }
}

struct NumbersSource: SourceStage {
    struct Options: StageOptions {
        var count: Int
        var prefix: String?
        /// Sleep between items, to keep a run going while a test cancels it.
        var delayMs: Int?
        /// These indices are emitted as unreadable items.
        var unreadable: [Int]?

        static var schema: JSONSchemaNode {
            .object("Emits the integers 0..<count.", [
                .init("count", .integer("How many items.", minimum: 0), required: true),
                .init("prefix", .string("Source id prefix.", default: "item")),
                .init("delayMs", .integer("Pause before each item.", minimum: 0)),
                .init("unreadable", .array(of: .integer("An index."), "Indices emitted as failures.")),
            ])
        }
    }

    static let typeName = "test.numbers"
    static let summary = "Emits integers."
    static let outputPorts = [PortSpec("numbers", kind: "number")]
    let options: Options

    init(options: Options, context: StageContext) { self.options = options }

    func produce(into emitter: SourceEmitter) async throws {
        emitter.announce(total: options.count)
        let unreadable = Set(options.unreadable ?? [])
        for index in 0..<options.count {
            if let delay = options.delayMs, delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            let id = "\(options.prefix ?? "item")-\(index)"
            if unreadable.contains(index) {
                try await emitter.emitFailure(sourceID: id, message: "cannot read \(id)")
            } else {
                try await emitter.emit(sourceID: id, value: index)
            }
        }
    }
}

struct SquareFailure: Error, LocalizedError {
    let value: Int
    var errorDescription: String? { "refusing \(value)" }
}

/// Squares numbers; fails items whose value is divisible by `failEvery` (when set), and
/// optionally sleeps a value-dependent time so items finish out of order.
struct SquareStage: Stage {
    struct Options: StageOptions {
        var failEvery: Int?
        var jitterMs: Int?
        var sleepMs: Int?
        var probe: String?

        static var schema: JSONSchemaNode {
            .object("Squares numbers.", [
                .init("failEvery", .integer("Fail values divisible by this.", minimum: 1)),
                .init("jitterMs", .integer("Sleep (value * 7919 % jitterMs) ms per item.", minimum: 1)),
                .init("sleepMs", .integer("Sleep per batch.", minimum: 0)),
                .init("probe", .string("Test probe id.")),
            ])
        }
    }

    static let typeName = "test.square"
    static let summary = "Squares numbers."
    static let inputPorts = [PortSpec("in", kind: "number")]
    static let outputPorts = [PortSpec("out", kind: "number")]
    let options: Options

    init(options: Options, context: StageContext) { self.options = options }

    func process(_ batch: [StageInput]) async throws -> [StageResult] {
        let probe = Probe.named(options.probe)
        probe?.enter(batch: batch.count)
        defer { probe?.leave(items: batch.count) }
        if let sleep = options.sleepMs, sleep > 0 { try await Task.sleep(for: .milliseconds(sleep)) }
        var results: [StageResult] = []
        for input in batch {
            let value: Int = try input.value("in")
            if let jitter = options.jitterMs { try await Task.sleep(for: .milliseconds(value * 7919 % jitter)) }
            if let every = options.failEvery, value % every == 0 {
                results.append(.failure(SquareFailure(value: value)))
            } else {
                results.append(.value(value * value))
            }
        }
        return results
    }
}

/// Adds its two inputs (a join of two branches).
struct AddStage: Stage {
    typealias Options = NoOptions
    static let typeName = "test.add"
    static let inputPorts = [PortSpec("a", kind: "number"), PortSpec("b", kind: "number")]
    static let outputPorts = [PortSpec("sum", kind: "number")]

    init(options: NoOptions, context: StageContext) {}

    func process(_ batch: [StageInput]) async throws -> [StageResult] {
        try batch.map { input in .value(try input.value("a", as: Int.self) + input.value("b", as: Int.self)) }
    }
}

/// A MapStage that wraps a number in a record object.
struct LabelStage: MapStage {
    typealias Options = NoOptions
    static let typeName = "test.label"
    static let inputKind: PortKind = "number"
    static let outputKind: PortKind = "record"

    init(options: NoOptions, context: StageContext) {}

    func map(_ input: Int, metadata: ItemMetadata) async throws -> JSONObject {
        ["value": .number(Double(input)), "even": .bool(input % 2 == 0)]
    }
}

/// Consumes images (a kind nothing here produces) and checks a semantic rule against its
/// upstream: the upstream source must emit at least `minimumCount` items.
struct ImageStage: Stage {
    struct Options: StageOptions {
        var model: String
        var minimumCount: Int?

        static var schema: JSONSchemaNode {
            .object("Classifies images.", [
                .init("model", .path("The model file."), required: true),
                .init("minimumCount", .integer("Smallest acceptable upstream count.", minimum: 0)),
            ])
        }
    }

    static let typeName = "test.image"
    static let summary = "Needs images."
    static let inputPorts = [PortSpec("images", kind: "image")]
    static let outputPorts = [PortSpec("labels", kind: "record")]

    init(options: Options, context: StageContext) {}

    func process(_ batch: [StageInput]) async throws -> [StageResult] { batch.map { _ in .failure("unused") } }
}

/// Accepts numbers and checks its upstream through the semantic hook.
struct CheckedStage: MapStage {
    struct Options: StageOptions {
        var minimumCount: Int
        static var schema: JSONSchemaNode {
            .object(nil, [.init("minimumCount", .integer("Smallest acceptable upstream count."), required: true)])
        }
    }

    static let typeName = "test.checked"
    static let inputKind: PortKind = "number"
    static let outputKind: PortKind = "number"

    static func checkConnections(options: Options, context: StageCheckContext) -> [StageIssue] {
        guard let upstream = context.inputs["in"], let source = upstream.options as? NumbersSource.Options else { return [] }
        guard source.count >= options.minimumCount else {
            return [StageIssue(path: ["options", "minimumCount"], "upstream \"\(upstream.stageName)\" emits \(source.count) items, fewer than \(options.minimumCount)",
                               hint: "lower minimumCount or raise the source's count")]
        }
        return []
    }

    init(options: Options, context: StageContext) {}
    func map(_ input: Int, metadata: ItemMetadata) async throws -> Int { input }
}

func testRegistry() -> StageRegistry {
    var registry = StageRegistry()
    registry.register(NumbersSource.self)
    registry.register(SquareStage.self)
    registry.register(AddStage.self)
    registry.register(LabelStage.self)
    registry.register(ImageStage.self)
    registry.register(CheckedStage.self)
    registry.registerBuiltInSinks()
    return registry
}

/// Loads, validates and resolves JSON text, failing the test with the issues otherwise.
func resolve(_ json: String, registry: StageRegistry = testRegistry(), file: URL? = nil) throws -> ResolvedPipeline {
    let (definition, issues) = try PipelineLoader.load(json, file: file)
    return try registry.resolve(definition, loadIssues: issues)
}

/// The issues (as `sluice validate` prints them) for JSON text.
func issues(_ json: String, registry: StageRegistry = testRegistry()) throws -> [String] {
    let (definition, loadIssues) = try PipelineLoader.load(json)
    return (loadIssues + registry.validate(definition)).map(\.description)
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
