import Foundation
import GPUCore
import Testing
@testable import Pipeline

/// 2,000 image files, 5% of them truncated, through the whole GPU classification path:
/// every file ends as exactly one record, errors name their file, memory stays bounded.
@Suite struct LargeClassificationRunTests {
    @Test func twoThousandFilesWithFivePercentCorrupt() async throws {
        let fixtures = ClassificationPipelineTests.fixtures
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-2000-\(UUID().uuidString)")
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let good = ["a_red.png", "b_green.jpg", "c_blue.png", "d_red_wide.jpg", "e_blue_tall.png"]
        let expectedLabel = ["red", "green", "blue", "red", "blue"]
        let sources = try good.map { try Data(contentsOf: fixtures.appendingPathComponent("images/\($0)")) }
        var corrupt = Set<String>()
        for i in 0..<2000 {
            let kind = i % 5
            let name = String(format: "img%04d_%d.%@", i, kind, good[kind].hasSuffix("png") ? "png" : "jpg")
            var data = sources[kind]
            if i % 20 == 7 {  // 5%: cut in half
                data = data.prefix(data.count / 2)
                corrupt.insert(name)
            }
            try data.write(to: images.appendingPathComponent(name))
        }
        let output = folder.appendingPathComponent("out.jsonl").path
        let json = ClassificationPipelineTests.pipelineJSON(output: output, batchSize: 32)
            .replacingOccurrences(of: "\(fixtures.path)/images", with: images.path)
        let file = folder.appendingPathComponent("p.json")
        try json.write(to: file, atomically: true, encoding: .utf8)

        let context = try GPUContext(selection: DeviceSelection(enableValidation: false))
        let resolved = try StageRegistry.standard().loadPipeline(at: file)
        let seen = Locked<[String: String]>([:])
        let summary = try await PipelineEngine(pipeline: resolved, options: RunOptions(gpu: GPUProvider(context: context))).run { record in
            let name = URL(fileURLWithPath: record.metadata.sourceID).lastPathComponent
            let outcome: String
            switch record.outcome {
            case .result(let fields): if case .string(let label)? = fields["label"] { outcome = label } else { outcome = "?" }
            case .error(_, let message): outcome = message.contains(name) ? "error" : "error without the file name"
            }
            seen.withLock { $0[name] = outcome }
        }
        #expect(summary.isConsistent)
        #expect(summary.listed == 2000 && summary.results == 1900 && summary.errors == 100)
        #expect(summary.maxInFlight <= 256)
        let outcomes = seen.current
        #expect(outcomes.count == 2000)
        for (name, outcome) in outcomes {
            let kind = Int(String(name.split(separator: "_")[1].prefix(1)))!
            #expect(outcome == (corrupt.contains(name) ? "error" : expectedLabel[kind]), "\(name)")
        }
        // Every line of the output file is one record, none torn or duplicated.
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2000)
        // Bounded GPU memory: a few batches in flight, not 2,000 images.
        #expect(context.stats.snapshot.peakBytes < 64 << 20, "peak \(context.stats.snapshot.peakBytes) bytes")
    }
}
