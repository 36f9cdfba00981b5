import Foundation
import IOStages
import InferenceStage
import Testing
@testable import Pipeline

/// Text in, text out with the bundled tiny GPT-2 (pipelines/generate.json).
@Suite struct TextGeneratorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let pipelinePath = root.appendingPathComponent("pipelines/generate.json").path

    /// The model is present and every operator in it has an implementation.
    static let modelRuns: Bool = {
        guard let config = try? GeneratePipelineConfig.load(path: pipelinePath),
              let model = try? ModelLoader.load(path: config.modelPath) else { return false }
        let opset = model.defaultOpsetVersion ?? 17
        return model.graph.nodes.allSatisfy { OperatorRegistry.lookup($0.opType, domain: $0.domain, opset: opset) != nil }
    }()

    static func generator() throws -> TextGenerator {
        try TextGenerator(config: GeneratePipelineConfig.load(path: pipelinePath))
    }

    @Test(.enabled(if: modelRuns)) func streamedTextIsTheResultAndDecodesTheTokens() throws {
        let generator = try Self.generator()
        var streamed = ["", ""]
        let prompts = ["It is a truth universally acknowledged", "Elizabeth"]
        let results = try generator.generate(prompts: prompts, config: GenerationConfig(maxNewTokens: 12, sampling: SamplingOptions(temperature: 0.8, topK: 40, seed: 5))) { row, text in
            streamed[row] += text
        }
        #expect(results.map(\.prompt) == prompts)
        for (row, result) in results.enumerated() {
            #expect(result.text == streamed[row])
            #expect(result.text == (try generator.tokenizer.decode(result.tokenIds.map(Int32.init), skipSpecialTokens: true)))
            #expect(result.promptTokenIds == generator.tokenizer.encode(prompts[row]).map(Int.init))
            #expect(result.generatedTokens == result.tokenIds.count && result.promptTokens == result.promptTokenIds.count)
            #expect(result.finishReason == .length || result.finishReason == .eos)
        }
    }

    @Test(.enabled(if: modelRuns)) func stopStringEndsTheRowBeforeIt() throws {
        let generator = try Self.generator()
        let prompt = "It is a truth universally acknowledged"
        let free = try generator.generate(prompts: [prompt], config: GenerationConfig(maxNewTokens: 24))[0]
        // Stop at the second word of the greedy continuation.
        let words = free.text.split(separator: " ")
        try #require(words.count > 2)
        let stop = String(words[1])
        let stopped = try generator.generate(prompts: [prompt], config: GenerationConfig(maxNewTokens: 24), stopStrings: [stop])[0]
        #expect(stopped.finishReason == .stop)
        let cut = try #require(free.text.range(of: stop))
        #expect(stopped.text == String(free.text[..<cut.lowerBound]))
        #expect(stopped.generatedTokens < free.generatedTokens)
    }

    @Test(.enabled(if: modelRuns)) func tokenizerLargerThanTheModelIsRefused() throws {
        // A vocabulary of 4,097 entries: one more than the model's logits.
        let config = try GeneratePipelineConfig.load(path: Self.pipelinePath)
        var vocabulary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config.vocabularyPath))) as? [String: Int])
        vocabulary["<|extra|>"] = vocabulary.count
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: vocabulary).write(to: URL(fileURLWithPath: path))
        #expect(throws: GenerateError.vocabularyMismatch(tokenizer: 4097, model: 4096)) {
            try TextGenerator(modelPath: config.modelPath, vocabularyPath: path, mergesPath: config.mergesPath)
        }
    }
}
