import Foundation
import GPUCore
import Testing
@testable import Pipeline

/// The classification path end to end on lavapipe: files → decode → GPU preprocess → onnx →
/// top-k → JSONL, with a model whose answer is known (the dominant colour channel).
@Suite struct ClassificationPipelineTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pipeline")

    static func pipelineJSON(output: String, batchSize: Int = 4) -> String {
        """
        {
          "name": "colours",
          "defaults": {"batchSize": \(batchSize), "batchTimeoutMs": 5, "onError": "skip", "ordered": true},
          "stages": [
            {"name": "photos", "type": "source.files", "options": {"path": "\(fixtures.path)/images"}},
            {"name": "decode", "type": "image.decode", "inputs": {"files": "photos"}, "workers": 2, "batchSize": 1},
            {"name": "pre", "type": "gpu.preprocess", "inputs": {"images": "decode"},
             "options": {"width": 16, "height": 16, "fit": "stretch", "inputScale": 0.00392156862745098}},
            {"name": "model", "type": "onnx", "inputs": {"tensor": "pre"}, "options": {"model": "\(fixtures.path)/colour-classifier.onnx"}},
            {"name": "top", "type": "postprocess.topk", "inputs": {"tensor": "model"}, "options": {"k": 2, "labels": "\(fixtures.path)/labels.txt"}},
            {"name": "out", "type": "sink.jsonl", "inputs": {"records": "top"}, "options": {"path": "\(output)"}}
          ]
        }
        """
    }

    func run(batchSize: Int) async throws -> (records: [Record], summary: RunSummary, before: MemoryStats.Snapshot, after: MemoryStats.Snapshot, output: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-classify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pipelineFile = folder.appendingPathComponent("colours.json")
        let output = folder.appendingPathComponent("out.jsonl").path
        try Self.pipelineJSON(output: output, batchSize: batchSize).write(to: pipelineFile, atomically: true, encoding: .utf8)
        let context = try GPUContext(selection: DeviceSelection(enableValidation: true))
        let registry = StageRegistry.standard()
        #expect(try registry.validationIssues(at: pipelineFile).isEmpty)
        let resolved = try registry.loadPipeline(at: pipelineFile)
        let collected = Locked<[Record]>([])
        let before = context.stats.snapshot
        let summary = try await PipelineEngine(pipeline: resolved, options: RunOptions(gpu: GPUProvider(context: context)))
            .run { record in collected.withLock { $0.append(record) } }
        let after = context.stats.snapshot
        #expect(context.validation?.drain() ?? [] == [])
        return (collected.current, summary, before, after, output)
    }

    @Test(arguments: [1, 4])
    func everyPhotoGetsItsColourAndTheCorruptFileAnErrorRecord(batchSize: Int) async throws {
        let (records, summary, before, after, output) = try await run(batchSize: batchSize)
        #expect(summary.isConsistent)
        #expect(summary.results == 5 && summary.errors == 1)
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        let labels = records.compactMap { record -> String? in
            if case .result(let fields) = record.outcome, case .string(let label)? = fields["label"] { return label }
            return nil
        }
        #expect(labels == ["red", "green", "blue", "red", "blue"])
        let failure = records.first { if case .error = $0.outcome { true } else { false } }
        #expect(failure?.metadata.sourceID.hasSuffix("f_truncated.jpg") == true)
        if case .error(_, let message)? = failure?.outcome { #expect(message.contains("f_truncated.jpg")) }
        // Zero-copy: the only host downloads are k indices and k scores per photo; images and
        // logits never come back, and nothing is uploaded (pixels are decoded into mapped memory).
        #expect(after.downloadBytes - before.downloadBytes == 5 * 2 * 8)
        #expect(after.uploads - before.uploads <= 1)  // the model's axes constant, at most
    }

    @Test func validationCatchesAModelThatCannotTakeThePreprocessOutput() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-classify-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("bad.json")
        let text = Self.pipelineJSON(output: "-").replacingOccurrences(of: "\"width\": 16, \"height\": 16", with: "\"width\": 32, \"height\": 16")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let issues = try StageRegistry.standard().validationIssues(at: file)
        #expect(issues.count == 1)
        #expect(issues.first?.formatted(file: "bad.json").contains("model input \"images\" has shape [batch, 3, 16, 16] but pre produces [batch, 3, 16, 32]") == true)
    }
}

@Suite struct ConcurrentPipelineTests {
    /// Two pipelines and two sessions at once in one process on one device give the same records
    /// as one alone.
    @Test func twoPipelinesAtOnceMatchOneAlone() async throws {
        let context = try GPUContext(selection: DeviceSelection(enableValidation: true))
        func run(_ tag: String) async throws -> [String] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-concurrent-\(tag)-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("p.json")
            try ClassificationPipelineTests.pipelineJSON(output: folder.appendingPathComponent("out.jsonl").path, batchSize: 3)
                .write(to: file, atomically: true, encoding: .utf8)
            let records = Locked<[String]>([])
            _ = try await PipelineEngine(pipeline: try StageRegistry.standard().loadPipeline(at: file),
                                         options: RunOptions(gpu: GPUProvider(context: context))).run { record in
                records.withLock { $0.append(JSONWriter.compact(.object(record.json))) }
            }
            return records.current.map { $0.replacingOccurrences(of: folder.path, with: "") }.sorted()
        }
        let alone = try await run("alone")
        async let first = run("first")
        async let second = run("second")
        let (a, b) = try await (first, second)
        #expect(a == alone)
        #expect(b == alone)
        #expect(context.validation?.drain() ?? [] == [])
    }
}

@Suite struct DeviceMemoryFaultTests {
    /// An out-of-device-memory failure in the middle of a run costs only the batch it hit: those
    /// items become error records naming the requested bytes, the rest finish, and nothing leaks.
    @Test func outOfDeviceMemoryMidRunSkipsOnlyItsBatch() async throws {
        let faults = FaultInjector()
        let context = try GPUContext(selection: DeviceSelection(enableValidation: true), faults: faults)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-oom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("p.json")
        try ClassificationPipelineTests.pipelineJSON(output: folder.appendingPathComponent("out.jsonl").path, batchSize: 2)
            .write(to: file, atomically: true, encoding: .utf8)
        let baseline = context.stats.snapshot.liveBytes
        faults.arm(.allocation, after: 6)
        let records = Locked<[Record]>([])
        let summary = try await PipelineEngine(pipeline: try StageRegistry.standard().loadPipeline(at: file),
                                               options: RunOptions(gpu: GPUProvider(context: context))).run { record in
            records.withLock { $0.append(record) }
        }
        #expect(summary.isConsistent && summary.listed == 6)
        let messages = records.current.compactMap { record -> String? in
            if case .error(_, let message) = record.outcome { return message } else { return nil }
        }
        // The truncated file's error, plus at least one batch lost to the injected failure.
        #expect(messages.contains { $0.contains("out of device memory: requested") })
        #expect(summary.results >= 1 && summary.results <= 4)
        context.bufferPool.drain()
        #expect(context.stats.snapshot.liveBytes == baseline, "live bytes \(context.stats.snapshot.liveBytes) vs \(baseline)")
        #expect(context.validation?.drain() ?? [] == [])
    }
}
