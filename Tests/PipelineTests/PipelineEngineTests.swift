import Foundation
import Testing
@testable import Pipeline

private func numbersPipeline(count: Int, squareOptions: String = "{}", stageExtras: String = "", defaults: String = "{}",
                             sourceOptions: String = "") -> String {
    """
    {
      "defaults": \(defaults),
      "stages": [
        {"name": "src", "type": "test.numbers", "options": {"count": \(count)\(sourceOptions)}},
        {"name": "sq", "type": "test.square", "inputs": {"in": "src"}, "options": \(squareOptions)\(stageExtras)}
      ]
    }
    """
}

struct PipelineEngineTests {
    @Test func everyItemEndsAsExactlyOneRecord() async throws {
        let (probeID, probe) = Probe.make()
        let json = numbersPipeline(
            count: 2000, squareOptions: #"{"failEvery": 20, "probe": "\#(probeID)"}"#, stageExtras: #", "workers": 4"#,
            defaults: #"{"batchSize": 16, "batchTimeoutMs": 2, "maxInFlight": 64}"#, sourceOptions: #", "unreadable": [5, 7]"#)
        let outcome = try await InMemoryRunner.run(json: json, registry: testRegistry(), options: RunOptions(channelCapacity: 4))
        let summary = outcome.summary
        #expect(summary.listed == 2000)
        #expect(summary.admitted == 2000)
        #expect(summary.errors == 102)  // 100 multiples of 20, plus 2 unreadable
        #expect(summary.results == 1898)
        #expect(summary.unfinished == 0)
        #expect(summary.isConsistent)
        #expect(!summary.cancelled)
        #expect(summary.maxInFlight <= 64)
        #expect(summary.maxInFlight > 1)
        #expect(outcome.records.count == 2000)
        #expect(Set(outcome.records.map(\.metadata.sourceID)) == Set((0..<2000).map { "item-\($0)" }))
        for record in outcome.records {
            let value = record.metadata.index
            #expect(record.metadata.sourceID == "item-\(value)")
            switch record.outcome {
            case .result(let fields):
                #expect(fields == ["value": .number(Double(value * value))])
            case let .error(stage, message):
                if value == 5 || value == 7 {
                    #expect(stage == "src" && message == "cannot read item-\(value)")
                } else {
                    #expect(value % 20 == 0 && stage == "sq" && message == "refusing \(value)")
                }
            }
        }
        // Failed source items never reach the stage.
        #expect(probe.snapshot.processed == 1998)
        #expect(probe.snapshot.batches.allSatisfy { $0 >= 1 && $0 <= 16 })
    }

    @Test func orderedRunsEmitInInputOrder() async throws {
        let json = numbersPipeline(count: 200, squareOptions: #"{"jitterMs": 7, "failEvery": 13}"#, stageExtras: #", "workers": 4"#,
                                   defaults: #"{"ordered": true, "maxInFlight": 40}"#)
        let outcome = try await InMemoryRunner.run(json: json, registry: testRegistry())
        #expect(outcome.records.map(\.metadata.sequence) == Array(0..<200))
        #expect(outcome.records.map(\.metadata.index) == Array(0..<200))
        #expect(outcome.summary.maxInFlight <= 40)

        // The same stage without ordering finishes out of order, so the check above is meaningful.
        let unordered = try await InMemoryRunner.run(json: json.replacingOccurrences(of: "\"ordered\": true", with: "\"ordered\": false"),
                                                     registry: testRegistry())
        #expect(unordered.records.map(\.metadata.index) != Array(0..<200))
        #expect(unordered.records.map(\.metadata.index).sorted() == Array(0..<200))
    }

    @Test func partialBatchesGoOutAfterTheTimeout() async throws {
        let (probeID, probe) = Probe.make()
        // Items arrive every 40 ms, the batch waits at most 5 ms: every batch holds one item.
        let json = numbersPipeline(count: 6, squareOptions: #"{"probe": "\#(probeID)"}"#,
                                   stageExtras: #", "batchSize": 4, "batchTimeoutMs": 5"#, sourceOptions: #", "delayMs": 40"#)
        let outcome = try await InMemoryRunner.run(json: json, registry: testRegistry())
        #expect(outcome.summary.results == 6)
        // Without the timeout the stage would wait for batches of 4. Exactly six batches of one is
        // the expected outcome, but a loaded machine may let two items meet before the 5 ms timer
        // fires, so assert what the timeout guarantees: more batches than size-4 batching would make.
        #expect(probe.snapshot.batches.reduce(0, +) == 6)
        #expect(probe.snapshot.batches.count >= 3)
    }

    @Test func fullBatchesWhenItemsArriveWithinTheTimeout() async throws {
        let (probeID, probe) = Probe.make()
        let json = numbersPipeline(count: 10, squareOptions: #"{"probe": "\#(probeID)"}"#,
                                   stageExtras: #", "batchSize": 4, "batchTimeoutMs": 600000"#, sourceOptions: #", "delayMs": 2"#)
        let started = ContinuousClock.now
        let outcome = try await InMemoryRunner.run(json: json, registry: testRegistry())
        #expect(outcome.summary.results == 10)
        // The last partial batch goes out when the input ends, not after the 10-minute timeout
        // (a generous bound: parallel GPU tests can starve this test's threads for a while).
        #expect(probe.snapshot.batches == [4, 4, 2])
        #expect(ContinuousClock.now - started < .seconds(300))
    }

    @Test(arguments: [1, 4])
    func workersProcessBatchesInParallel(workers: Int) async throws {
        let (probeID, probe) = Probe.make()
        let json = numbersPipeline(count: 16, squareOptions: #"{"sleepMs": 60, "probe": "\#(probeID)"}"#,
                                   stageExtras: #", "workers": \#(workers)"#)
        let started = ContinuousClock.now
        let outcome = try await InMemoryRunner.run(json: json, registry: testRegistry())
        let elapsed = ContinuousClock.now - started
        #expect(outcome.summary.results == 16)
        #expect(probe.snapshot.maxActive == workers)
        // maxActive proves the parallelism; wall-clock upper bounds are not asserted because
        // other tests running at the same time can delay this one arbitrarily.
        if workers == 1 {
            #expect(elapsed >= .milliseconds(16 * 60))
        }
    }

    @Test func joinsBranchesByItem() async throws {
        let json = """
            {"stages": [
              {"name": "src", "type": "test.numbers", "options": {"count": 300}},
              {"name": "sq", "type": "test.square", "inputs": {"in": "src"}, "options": {"jitterMs": 3, "failEvery": 50}, "workers": 3},
              {"name": "add", "type": "test.add", "inputs": {"a": "src.numbers", "b": "sq.out"}, "batchSize": 7, "batchTimeoutMs": 1}
            ]}
            """
        let outcome = try await InMemoryRunner.run(json: json, registry: testRegistry())
        #expect(outcome.summary.results == 294)
        #expect(outcome.summary.errors == 6)
        for record in outcome.records {
            let value = record.metadata.index
            if value % 50 == 0 {
                #expect(record.outcome == .error(stage: "sq", message: "refusing \(value)"))
            } else {
                #expect(record.outcome == .result(["value": .number(Double(value + value * value))]))
            }
        }
    }

    @Test func mapStagesBuildRecordsFromObjects() async throws {
        let json = #"{"stages": [{"name": "src", "type": "test.numbers", "options": {"count": 3}}, {"name": "lab", "type": "test.label", "inputs": {"in": "src"}}]}"#
        let outcome = try await InMemoryRunner.run(json: json, registry: testRegistry(), options: RunOptions())
        #expect(outcome.records.sorted { $0.metadata.index < $1.metadata.index }.map { JSONWriter.compact(.object($0.json)) } == [
            #"{"index":0,"source":"item-0","status":"ok","value":0,"even":true}"#,
            #"{"index":1,"source":"item-1","status":"ok","value":1,"even":false}"#,
            #"{"index":2,"source":"item-2","status":"ok","value":2,"even":true}"#,
        ])
    }

    @Test func failPolicyStopsTheRunAfterRecordingTheError() async throws {
        let folder = try temporaryDirectory()
        let json = """
            {"defaults": {"onError": "fail", "ordered": true},
             "stages": [
              {"name": "src", "type": "test.numbers", "options": {"count": 1000}},
              {"name": "sq", "type": "test.square", "inputs": {"in": "src"}, "options": {"failEvery": 100}},
              {"name": "out", "type": "sink.jsonl", "inputs": {"records": "sq"}, "options": {"path": "out.jsonl"}}
            ]}
            """
        let pipeline = try resolve(json, file: folder.appendingPathComponent("p.json"))
        do {
            _ = try await InMemoryRunner.run(pipeline)
            Issue.record("expected the run to fail")
        } catch let PipelineError.itemFailed(stage, source, index, message) {
            #expect(stage == "sq" && source == "item-0" && index == 0 && message == "refusing 0")
        }
        let lines = try String(contentsOf: folder.appendingPathComponent("out.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.first == #"{"index":0,"source":"item-0","status":"error","stage":"sq","error":"refusing 0"}"#)
        #expect(lines.count < 1000)
    }

    @Test func cancellationStopsCleanlyAndFlushesCompletedRecords() async throws {
        let folder = try temporaryDirectory()
        let json = """
            {"defaults": {"ordered": true, "maxInFlight": 16},
             "stages": [
              {"name": "src", "type": "test.numbers", "options": {"count": 100000, "delayMs": 1}},
              {"name": "sq", "type": "test.square", "inputs": {"in": "src"}, "options": {"jitterMs": 5}, "workers": 4},
              {"name": "out", "type": "sink.jsonl", "inputs": {"records": "sq"}, "options": {"path": "out.jsonl"}}
            ]}
            """
        let pipeline = try resolve(json, file: folder.appendingPathComponent("p.json"))
        let seen = Counter()
        let run = Task { try await PipelineEngine(pipeline: pipeline).run { _ in seen.increment() } }
        while seen.value < 50 { try await Task.sleep(for: .milliseconds(5)) }
        run.cancel()
        let summary = try await run.value
        #expect(summary.cancelled)
        #expect(summary.isConsistent)
        #expect(summary.admitted < 100000)
        #expect(summary.results + summary.errors == seen.value)
        #expect(summary.unfinished == summary.admitted - seen.value)
        let lines = try String(contentsOf: folder.appendingPathComponent("out.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == summary.results)
        #expect(try JSONLResumeScanner.scan(Array(Data(contentsOf: folder.appendingPathComponent("out.jsonl"))), path: "out").sourceIDs.count == lines.count)
    }

    @Test func aStageBreakingTheContractFailsTheRun() async throws {
        var registry = testRegistry()
        registry.register(DroppingStage.self)
        let json = #"{"stages": [{"name": "src", "type": "test.numbers", "options": {"count": 4}}, {"name": "drop", "type": "test.drop", "inputs": {"in": "src"}, "batchSize": 2}]}"#
        await #expect(throws: PipelineError.self) { try await InMemoryRunner.run(json: json, registry: registry) }
        do {
            _ = try await InMemoryRunner.run(json: json, registry: registry)
        } catch {
            #expect((error as? PipelineError)?.errorDescription
                == #"stage "drop" broke the stage contract: process returned 1 results for a batch of 2 (this is a bug in the stage type)"#)
        }
    }

    @Test func inMemoryRunnerDrivesOneStage() async throws {
        let stage = SquareStage(options: .init(failEvery: 3), context: StageContext(stageName: "sq", paths: PipelinePaths(pipelineFile: nil)))
        let results = try await InMemoryRunner.process(stage, inputs: [1, 2, 3, 4], batchSize: 3)
        let rendered = results.map { result -> String in
            switch result {
            case .value(let value): "\(value)"
            case .ports(let ports): "\(ports.keys.sorted())"
            case .failure(let message): "failed: \(message)"
            }
        }
        #expect(rendered == ["1", "4", "failed: refusing 3", "16"])
    }
}

/// Returns fewer results than inputs, which the engine must reject.
struct DroppingStage: Stage {
    typealias Options = NoOptions
    static let typeName = "test.drop"
    static let inputPorts = [PortSpec("in", kind: "number")]
    static let outputPorts = [PortSpec("out", kind: "number")]
    init(options: NoOptions, context: StageContext) {}
    func process(_ batch: [StageInput]) async throws -> [StageResult] { [.value(0)] }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// Two outputs per item: exercises `.ports` results and multi-output final stages.
struct SplitStage: Stage {
    typealias Options = NoOptions
    static let typeName = "test.split"
    static let inputPorts = [PortSpec("in", kind: "number")]
    static let outputPorts = [PortSpec("square", kind: "number"), PortSpec("double", kind: "number")]
    init(options: NoOptions, context: StageContext) {}
    func process(_ batch: [StageInput]) async throws -> [StageResult] {
        try batch.map { input in
            let value: Int = try input.value("in")
            return .ports(["square": value * value, "double": 2 * value])
        }
    }
}

/// Throws for the whole batch: every item of it must become an error record.
struct ThrowingStage: Stage {
    typealias Options = NoOptions
    static let typeName = "test.throwing"
    static let inputPorts = [PortSpec("in", kind: "number")]
    static let outputPorts = [PortSpec("out", kind: "number")]
    init(options: NoOptions, context: StageContext) {}
    func process(_ batch: [StageInput]) async throws -> [StageResult] { throw SquareFailure(value: batch.count) }
}

struct MultiPortEngineTests {
    private var registry: StageRegistry {
        var registry = testRegistry()
        registry.register(SplitStage.self)
        registry.register(ThrowingStage.self)
        return registry
    }

    @Test func aFinalStageWithSeveralOutputsRecordsEachPort() async throws {
        let json = #"{"stages": [{"name": "src", "type": "test.numbers", "options": {"count": 3}}, {"name": "split", "type": "test.split", "inputs": {"in": "src"}}]}"#
        let outcome = try await InMemoryRunner.run(json: json, registry: registry)
        let expected: [String: JSONObject] = [
            "item-0": ["square": 0, "double": 0],
            "item-1": ["square": 1, "double": 2],
            "item-2": ["square": 4, "double": 4],
        ]
        #expect(outcome.resultsBySource == expected)
    }

    @Test func namedOutputPortsFeedDifferentInputs() async throws {
        let json = """
            {"stages": [
              {"name": "src", "type": "test.numbers", "options": {"count": 5}},
              {"name": "split", "type": "test.split", "inputs": {"in": "src"}},
              {"name": "add", "type": "test.add", "inputs": {"a": "split.square", "b": "split.double"}}
            ]}
            """
        let outcome = try await InMemoryRunner.run(json: json, registry: registry)
        var expected: [String: JSONObject] = [:]
        for value in 0..<5 { expected["item-\(value)"] = ["value": .number(Double(value * value + 2 * value))] }
        #expect(outcome.resultsBySource == expected)
        #expect(try issues(#"{"stages": [{"name": "src", "type": "test.numbers", "options": {"count": 5}}, {"name": "split", "type": "test.split", "inputs": {"in": "src"}}, {"name": "sq", "type": "test.square", "inputs": {"in": "split"}}]}"#, registry: registry)
            == [#"stages[2].inputs.in: stage "split" has several outputs (name one: "split.square", "split.double")"#])
    }

    @Test func aThrowingBatchFailsEachOfItsItems() async throws {
        let json = #"{"defaults": {"batchSize": 4, "batchTimeoutMs": 1000}, "stages": [{"name": "src", "type": "test.numbers", "options": {"count": 8}}, {"name": "t", "type": "test.throwing", "inputs": {"in": "src"}}]}"#
        let outcome = try await InMemoryRunner.run(json: json, registry: registry)
        #expect(outcome.summary.errors == 8)
        #expect(outcome.records.allSatisfy { $0.outcome == .error(stage: "t", message: "refusing 4") })
    }
}
