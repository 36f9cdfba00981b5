import Foundation
import GPUCore
import Testing
@testable import Pipeline

/// A pipeline that ends at `image.decode` is how decoding is timed alone (Benchmarks/
/// write_pipelines.sh): each image must become a result record with its decoded size, and the
/// summary must say when the first record was written.
@Suite struct DecodeOnlyPipelineTests {
    @Test func decodedImagesBecomeRecordsWithTheirSize() async throws {
        let images = ClassificationPipelineTests.fixtures.appendingPathComponent("images")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-decode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipelineFile = folder.appendingPathComponent("decode.json")
        try """
        {"name": "decode-only", "defaults": {"onError": "skip", "ordered": true},
         "stages": [
          {"name": "photos", "type": "source.files", "options": {"path": "\(images.path)"}},
          {"name": "decode", "type": "image.decode", "inputs": {"files": "photos"}, "workers": 2, "batchSize": 1},
          {"name": "out", "type": "sink.jsonl", "inputs": {"records": "decode"}, "options": {"path": "out.jsonl"}}]}
        """.write(to: pipelineFile, atomically: true, encoding: .utf8)
        let context = try GPUContext(selection: DeviceSelection(enableValidation: true))
        let resolved = try StageRegistry.standard().loadPipeline(at: pipelineFile)
        let started = ContinuousClock.now
        let collected = Locked<[Record]>([])
        let summary = try await PipelineEngine(pipeline: resolved, options: RunOptions(gpu: GPUProvider(context: context)))
            .run { record in collected.withLock { $0.append(record) } }
        #expect(summary.isConsistent)
        #expect(summary.results == 5 && summary.errors == 1)  // the fixture folder holds one corrupt file
        for record in collected.current {
            guard case .result(let fields) = record.outcome else { continue }
            guard case .number(let width)? = fields["width"], case .number(let height)? = fields["height"] else {
                Issue.record("\(record.metadata.sourceID): no width/height in \(fields)")
                continue
            }
            #expect(width >= 1 && height >= 1)
        }
        let first = try #require(summary.firstRecordAt)
        #expect(first >= started && first <= ContinuousClock.now)
        #expect(context.validation?.drain() ?? [] == [])
    }
}
