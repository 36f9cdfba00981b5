import Foundation
import GPUCore
import Testing
@testable import Pipeline

/// The README's default job: pipelines/classify.json on the bundled photos. Top-1 must equal
/// onnxruntime's (same model, PIL preprocessing) and the top-5 sets share at least 4 classes.
@Suite struct BundledClassifierTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Reference: Decodable {
        struct Image: Decodable { let file: String; let top5_indices: [Int] }
        let images: [Image]
    }

    @Test func bundledPipelineAgreesWithOnnxRuntime() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-bundled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The bundled pipeline with absolute paths and a file sink instead of stdout.
        let pipelines = Self.root.appendingPathComponent("pipelines")
        var text = try String(contentsOf: pipelines.appendingPathComponent("classify.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"path\": \"images\"", with: "\"path\": \"\(pipelines.path)/images\"")
            .replacingOccurrences(of: "\"models/", with: "\"\(pipelines.path)/models/")
            .replacingOccurrences(of: "\"path\": \"-\"", with: "\"path\": \"\(folder.path)/out.jsonl\"")
        let file = folder.appendingPathComponent("classify.json")
        try text.write(to: file, atomically: true, encoding: .utf8)

        let context = try GPUContext(selection: DeviceSelection(enableValidation: true))
        let resolved = try StageRegistry.standard().loadPipeline(at: file)
        let records = Locked<[Record]>([])
        let summary = try await PipelineEngine(pipeline: resolved, options: RunOptions(gpu: GPUProvider(context: context)))
            .run { record in records.withLock { $0.append(record) } }
        #expect(summary.results == 5 && summary.errors == 0 && summary.isConsistent)
        #expect(context.validation?.drain() ?? [] == [])

        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.root.appendingPathComponent("Tests/Fixtures/models/efficientnet_reference.json")))
        for record in records.current {
            guard case .result(let fields) = record.outcome, case .array(let top)? = fields["top"] else {
                Issue.record("no result for \(record.metadata.sourceID)")
                continue
            }
            let ours = top.compactMap { entry -> Int? in
                if case .object(let o) = entry, case .number(let n)? = o["index"] { return Int(n) }
                return nil
            }
            let name = URL(fileURLWithPath: record.metadata.sourceID).lastPathComponent
            let theirs = try #require(reference.images.first { $0.file == name }).top5_indices
            #expect(ours.first == theirs.first, "\(name): top-1 \(ours) vs onnxruntime \(theirs)")
            #expect(Set(ours).intersection(theirs).count >= 4, "\(name): top-5 \(ours) vs onnxruntime \(theirs)")
        }
    }
}
