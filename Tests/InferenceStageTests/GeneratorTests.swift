import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// The generation loop on the tiny GPT-2 of pipelines/text (scripts/train_tiny_gpt.py) against
/// onnxruntime's greedy tokens (Tests/Fixtures/models/tiny_gpt_reference.json) and against the same
/// loop on the CPU provider; transfer counters per step; errors.
@Suite struct GeneratorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelPath = root.appendingPathComponent("pipelines/text/tiny-gpt.onnx").path
    static let referencePath = root.appendingPathComponent("Tests/Fixtures/models/tiny_gpt_reference.json").path

    /// The model file is present and every operator in it is registered (the operator families land
    /// on main from their own branches).
    static let modelRuns: Bool = {
        guard let model = try? ModelLoader.load(path: modelPath) else { return false }
        let opset = model.defaultOpsetVersion ?? 17
        return model.graph.nodes.allSatisfy { OperatorRegistry.lookup($0.opType, domain: $0.domain, opset: opset) != nil }
    }()

    struct Reference: Decodable {
        struct Case: Decodable {
            let prompt: String
            let prompt_ids: [Int]
            let greedy_ids: [Int]
        }
        let cases: [Case]
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: referencePath)))
    }

    static func generator(context: GPUContext = OperatorHarness.context) throws -> Generator {
        try Generator(session: InferenceSession(modelPath: modelPath, options: SessionOptions(context: context)))
    }

    @Test(.enabled(if: modelRuns)) func readsTheDecoderInterface() throws {
        let interface = try DecoderInterface(model: ModelLoader.load(path: Self.modelPath))
        #expect(interface == DecoderInterface(layers: 4, heads: 4, headDimension: 48, vocabularySize: 4096, maxPositions: 256))
    }

    /// Both cache layouts: the fixed window (default) and the growing cache.
    @Test(.enabled(if: modelRuns), arguments: [true, false]) func greedyTokensEqualOnnxRuntime(staticShapes: Bool) throws {
        let generator = try Self.generator()
        for test in try Self.reference().cases {
            // All 64 reference tokens with the default layout; the growing one (a plan per step) is slower.
            let count = staticShapes ? test.greedy_ids.count : 20
            let output = try generator.generate(prompts: [test.prompt_ids], config: GenerationConfig(
                maxNewTokens: count, staticDecodeShapes: staticShapes))
            #expect(output.sequences[0].tokens == Array(test.greedy_ids.prefix(count)), "prompt \(test.prompt)")
            #expect(output.sequences[0].finishReason == .length)
            #expect(output.decodeSteps == count - 1)
        }
    }

    /// The same prefill-then-decode loop with the CPU provider and host-side arg max.
    static func cpuGreedy(_ prompt: [Int], steps: Int) throws -> [Int] {
        let session = try InferenceSession(modelPath: modelPath, options: SessionOptions(executionProviders: [.cpu]))
        let interface = try DecoderInterface(model: session.model)
        var past: [String: Tensor] = [:]
        for layer in 0..<interface.layers {
            for name in [DecoderInterface.pastKey(layer), DecoderInterface.pastValue(layer)] {
                past[name] = try Tensor([Float](), dims: [1, interface.heads, 0, interface.headDimension])
            }
        }
        var tokens: [Int] = [], input = prompt, position = 0
        for _ in 0..<steps {
            var feeds = past
            feeds["input_ids"] = try Tensor(input.map(Int64.init), dims: [1, input.count])
            feeds["attention_mask"] = try Tensor([Int64](repeating: 1, count: position + input.count), dims: [1, position + input.count])
            feeds["position_ids"] = try Tensor((position..<(position + input.count)).map(Int64.init), dims: [1, input.count])
            let outputs = try session.runSynchronously(feeds: feeds)
            let logits = try #require(outputs["logits"]).cpuData().floats()
            let last = Array(logits[(input.count - 1) * interface.vocabularySize..<input.count * interface.vocabularySize])
            let next = try #require(TokenSamplerReference.argmax(last))
            tokens.append(next)
            for layer in 0..<interface.layers {
                past[DecoderInterface.pastKey(layer)] = outputs[DecoderInterface.presentKey(layer)]
                past[DecoderInterface.pastValue(layer)] = outputs[DecoderInterface.presentValue(layer)]
            }
            position += input.count
            input = [next]
        }
        return tokens
    }

    @Test(.enabled(if: modelRuns)) func greedyTokensEqualTheCPUProviderLoop() throws {
        let prompt = try Self.reference().cases[2].prompt_ids
        let gpu = try Self.generator().generate(prompts: [prompt], config: GenerationConfig(maxNewTokens: 12))
        #expect(gpu.sequences[0].tokens == (try Self.cpuGreedy(prompt, steps: 12)))
    }

    @Test(.enabled(if: modelRuns), arguments: [true, false]) func batchWithLeftPaddingEqualsSinglePrompts(staticShapes: Bool) throws {
        let cases = try Self.reference().cases
        let prompts = [cases[0].prompt_ids, cases[1].prompt_ids, cases[3].prompt_ids]   // 9, 1 and 15 tokens
        let output = try Self.generator().generate(prompts: prompts, config: GenerationConfig(maxNewTokens: 16, staticDecodeShapes: staticShapes))
        for (row, index) in [0, 1, 3].enumerated() {
            #expect(output.sequences[row].tokens == Array(cases[index].greedy_ids.prefix(16)), "row \(row)")
            #expect(output.sequences[row].promptTokens == prompts[row])
        }
    }

    /// Decode-step nodes the plan leaves on the CPU (each one moves its inputs and outputs
    /// between host and device every step).
    static func decodeFallbacks(_ session: InferenceSession, rows: Int, past: Int) throws -> [String] {
        let interface = try DecoderInterface(model: session.model)
        var dims: [String: [Int]] = ["input_ids": [rows, 1], "attention_mask": [rows, past + 1], "position_ids": [rows, 1]]
        for layer in 0..<interface.layers {
            dims[DecoderInterface.pastKey(layer)] = [rows, interface.heads, past, interface.headDimension]
            dims[DecoderInterface.pastValue(layer)] = [rows, interface.heads, past, interface.headDimension]
        }
        return try session.placements(inputDims: dims).filter { $0.placement.hasPrefix("cpu") }.map { "\($0.opType): \($0.placement)" }
    }

    @Test(.enabled(if: modelRuns), arguments: [true, false]) func decodeStepsUploadNothingAndDownloadOnlyTheTokenIds(staticShapes: Bool) throws {
        // Its own context: other tests' transfers would move a shared one's counters.
        let context = try GPUContext(selection: DeviceSelection(enableValidation: true))
        let generator = try Self.generator(context: context)
        let cases = try Self.reference().cases
        let prompts = [cases[0].prompt_ids, cases[2].prompt_ids]
        var snapshots: [MemoryStats.Snapshot] = []
        let output = try generator.generate(prompts: prompts,
                                            config: GenerationConfig(maxNewTokens: 8, sampling: SamplingOptions(temperature: 0.9, topK: 10, seed: 1),
                                                                     staticDecodeShapes: staticShapes)) { _ in
            snapshots.append(context.stats.snapshot)
            return []
        }
        #expect(snapshots.count == 8 && output.decodeSteps == 7)
        #expect(context.validation?.drain() ?? [] == [])
        let vocabulary = generator.interface.vocabularySize, width = prompts.map(\.count).max() ?? 0
        for index in 1..<snapshots.count {
            let before = snapshots[index - 1], after = snapshots[index]
            // Whatever the plan: neither logits nor the KV cache ever come down (the attention
            // mask, the largest int64 feed, is at most 2 × (width + 8) × 8 bytes).
            #expect(after.downloadBytes - before.downloadBytes <= 2 * 4 + 2 * (width + 8) * 8)
            #expect(after.downloadBytes - before.downloadBytes < 2 * vocabulary * 4)
        }
        // With every decode node on the GPU a step moves exactly the 2 chosen ids (4 bytes each).
        // Operators without a GPU kernel for their types (int64 Greater, bool And in GPT-2's mask
        // logic) run on the CPU, which downloads their inputs and uploads their results.
        let fallbacks = try Self.decodeFallbacks(generator.session, rows: 2, past: width + 3)
        withKnownIssue("decode nodes on the CPU: \(fallbacks.joined(separator: "; "))") {
            for index in 1..<snapshots.count {
                let before = snapshots[index - 1], after = snapshots[index]
                #expect(after.uploads == before.uploads, "decode step \(index) uploaded \(after.uploadBytes - before.uploadBytes) bytes")
                #expect(after.downloads == before.downloads + 1, "decode step \(index): \(after.downloads - before.downloads) downloads")
                #expect(after.downloadBytes == before.downloadBytes + 2 * 4)
            }
        } when: { !fallbacks.isEmpty }
    }

    @Test(.enabled(if: modelRuns)) func capturedDecodeStepsGiveTheSameTokens() throws {
        let generator = try Self.generator()
        let test = try Self.reference().cases[0]
        #expect(throws: GenerationError.self) {
            try generator.generate(prompts: [test.prompt_ids], config: GenerationConfig(maxNewTokens: 4, staticDecodeShapes: false, captureDecode: true))
        }
        let width = test.prompt_ids.count
        let fallbacks = try Self.decodeFallbacks(generator.session, rows: 1, past: width + 10)
        // Capture needs every decode node on the GPU; until then the first decode step reports why not.
        try withKnownIssue("graph capture needs every node on the GPU: \(fallbacks.joined(separator: "; "))") {
            let output = try generator.generate(prompts: [test.prompt_ids], config: GenerationConfig(maxNewTokens: 12, captureDecode: true))
            #expect(output.sequences[0].tokens == Array(test.greedy_ids.prefix(12)))
        } when: { !fallbacks.isEmpty }
    }

    @Test(.enabled(if: modelRuns)) func sameSeedSameTokens() throws {
        let generator = try Self.generator()
        let prompt = try Self.reference().cases[1].prompt_ids
        func run(_ seed: UInt64) throws -> [Int] {
            try generator.generate(prompts: [prompt, prompt], config: GenerationConfig(
                maxNewTokens: 12, sampling: SamplingOptions(temperature: 1.5, topP: 0.98, seed: seed))).sequences.flatMap(\.tokens)
        }
        let a = try run(3)
        #expect(a == (try run(3)))
        #expect(a != (try run(4)))
    }

    @Test(.enabled(if: modelRuns)) func stopsOnEOSAndWhenTheCallerAsks() throws {
        let generator = try Self.generator()
        let test = try Self.reference().cases[0]
        // Treat the first greedy token as EOS: row ends at once, with nothing generated.
        let eos = try generator.generate(prompts: [test.prompt_ids], config: GenerationConfig(maxNewTokens: 10, eosTokenID: test.greedy_ids[0]))
        #expect(eos.sequences[0].tokens == [] && eos.sequences[0].finishReason == .eos && eos.decodeSteps == 0)
        // Row 1 is stopped by the caller after 3 tokens; row 0 goes on, and row 1 is no longer counted.
        var seen: [[Int?]] = []
        let output = try generator.generate(prompts: [test.prompt_ids, test.prompt_ids], config: GenerationConfig(maxNewTokens: 6)) { step in
            seen.append(step.tokens)
            return step.index == 2 ? [1] : []
        }
        #expect(output.sequences[1].tokens == Array(test.greedy_ids.prefix(3)) && output.sequences[1].finishReason == .stop)
        #expect(output.sequences[0].tokens == Array(test.greedy_ids.prefix(6)))
        #expect(seen[3][1] == nil && seen[3][0] != nil)
        #expect(output.generatedTokens == 9)
    }

    @Test(.enabled(if: modelRuns)) func promptLongerThanThePositionsIsRefused() throws {
        let generator = try Self.generator()
        #expect(throws: GenerationError.promptTooLong(row: 1, tokens: 250, limit: 256)) {
            try generator.generate(prompts: [[5], Array(repeating: 7, count: 250)], config: GenerationConfig(maxNewTokens: 8))
        }
        #expect(throws: GenerationError.tokenOutOfRange(row: 0, token: 4096, vocabulary: 4096)) {
            try generator.generate(prompts: [[4096]], config: GenerationConfig(maxNewTokens: 2))
        }
        #expect(throws: GenerationError.emptyPrompt(row: 0)) {
            try generator.generate(prompts: [[]], config: GenerationConfig(maxNewTokens: 2))
        }
    }

    @Test func modelWithoutTheCacheInputsIsRefusedByName() throws {
        let session = try InferenceSession(model: SessionTests.model(), options: SessionOptions(context: OperatorHarness.context))
        do {
            _ = try Generator(session: session)
            Issue.record("a model without input_ids should be refused")
        } catch let error as GenerationError {
            guard case .modelInterface(let message) = error else { Issue.record("\(error)"); return }
            #expect(message == "input 'input_ids' is missing (inputs: x)")
        }
    }

    @Test func interfaceNeedsPresentOutputsAndFixedVocabulary() throws {
        func model(outputs: [ValueInfo]) -> OnnxModel {
            let past: [InferenceStage.Dimension] = [.symbolic("batch"), .fixed(2), .symbolic("past"), .fixed(8)]
            let ids: [InferenceStage.Dimension] = [.symbolic("batch"), .symbolic("sequence")]
            let graph = Graph(name: "decoder", nodes: [], inputs: [
                ValueInfo(name: "input_ids", dataType: .int64, shape: ids),
                ValueInfo(name: "attention_mask", dataType: .int64, shape: ids),
                ValueInfo(name: "position_ids", dataType: .int64, shape: ids),
                ValueInfo(name: "past_key_values.0.key", dataType: .float32, shape: past),
                ValueInfo(name: "past_key_values.0.value", dataType: .float32, shape: past),
            ], outputs: outputs, initializers: [:], valueInfo: [:])
            return OnnxModel(irVersion: 8, producerName: "test", producerVersion: "1", opsetImports: ["": 17], graph: graph)
        }
        let logits = ValueInfo(name: "logits", dataType: .float32, shape: [.symbolic("batch"), .symbolic("sequence"), .fixed(50)])
        let present = ["present.0.key", "present.0.value"].map { ValueInfo(name: $0, dataType: .float32, shape: nil) }
        let interface = try DecoderInterface(model: model(outputs: [logits] + present))
        #expect(interface == DecoderInterface(layers: 1, heads: 2, headDimension: 8, vocabularySize: 50, maxPositions: nil))
        #expect(throws: GenerationError.modelInterface("output 'present.0.value' is missing (outputs: logits, present.0.key)")) {
            try DecoderInterface(model: model(outputs: [logits, present[0]]))
        }
        let openVocabulary = ValueInfo(name: "logits", dataType: .float32, shape: [.symbolic("batch"), .symbolic("sequence"), .symbolic("vocab")])
        #expect(throws: GenerationError.self) { try DecoderInterface(model: model(outputs: [openVocabulary] + present)) }
    }

    @Test func cpuOnlySessionIsRefused() throws {
        let session = try InferenceSession(model: SessionTests.model(), options: SessionOptions(executionProviders: [.cpu]))
        #expect(throws: GenerationError.self) { try Generator(session: session) }
    }
}

