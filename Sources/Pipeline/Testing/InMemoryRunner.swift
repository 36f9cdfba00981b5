import Foundation

/// Drives a pipeline or a single stage in memory, for tests and tools: no files, records are
/// collected and returned in the order they were written.
public enum InMemoryRunner {
    public struct Outcome: Sendable {
        public let summary: RunSummary
        public let records: [Record]

        public var resultsBySource: [String: JSONObject] {
            records.reduce(into: [:]) { map, record in
                if case .result(let fields) = record.outcome { map[record.metadata.sourceID] = fields }
            }
        }
    }

    /// Runs a resolved pipeline and collects its records.
    public static func run(_ pipeline: ResolvedPipeline, options: RunOptions = RunOptions()) async throws -> Outcome {
        let collected = RecordList()
        let summary = try await PipelineEngine(pipeline: pipeline, options: options).run { collected.append($0) }
        return Outcome(summary: summary, records: collected.records)
    }

    /// Validates and runs a pipeline given as JSON text.
    public static func run(json: String, registry: StageRegistry, options: RunOptions = RunOptions()) async throws -> Outcome {
        let (definition, issues) = try PipelineLoader.load(json)
        return try await run(try registry.resolve(definition, loadIssues: issues), options: options)
    }

    /// Runs one processing stage over `inputs` (values on its single input port, or
    /// dictionaries by port), in batches of `batchSize`, and returns its results in order.
    public static func process<S: Stage>(_ stage: S, inputs: [any Sendable], batchSize: Int = 1) async throws -> [StageResult] {
        let ports = S.inputPorts.map(\.name)
        let prepared = inputs.enumerated().map { index, value in
            let values: [String: any Sendable]
            if ports.count == 1, let port = ports.first {
                values = [port: value]
            } else {
                values = (value as? [String: any Sendable]) ?? [:]
            }
            return StageInput(metadata: ItemMetadata(index: index, sourceID: "item-\(index)", sequence: index), values: values)
        }
        var results: [StageResult] = []
        var start = 0
        while start < prepared.count {
            let batch = Array(prepared[start..<min(start + max(1, batchSize), prepared.count)])
            let answers = try await stage.process(batch)
            guard answers.count == batch.count else {
                throw PipelineError.contractViolation(stage: S.typeName, message: "process returned \(answers.count) results for a batch of \(batch.count)")
            }
            results += answers
            start += batch.count
        }
        return results
    }
}

/// A thread-safe append-only list (records arrive from the collector task).
final class RecordList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Record] = []

    func append(_ record: Record) { lock.withLock { storage.append(record) } }
    var records: [Record] { lock.withLock { storage } }
}
