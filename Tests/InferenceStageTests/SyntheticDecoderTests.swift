import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// The generation loop on a decoder built in code whose every node has a GPU kernel, so the
/// transfer counters and graph capture can be checked exactly: logits = (E[id] + P[position]) · W,
/// and each layer's present is its past with the hidden state appended (a KV cache that grows).
@Suite struct SyntheticDecoderTests {
    static let vocabulary = 16, width = 8, positions = 40

    static let embeddings = TokenSamplerTests.logits(rows: vocabulary, vocabulary: width, seed: 21, scale: 1)
    static let positionTable = TokenSamplerTests.logits(rows: positions, vocabulary: width, seed: 22, scale: 1)
    static let projection = TokenSamplerTests.logits(rows: width, vocabulary: vocabulary, seed: 23, scale: 1)

    static func model() throws -> OnnxModel {
        let batch = InferenceStage.Dimension.symbolic("batch"), sequence = InferenceStage.Dimension.symbolic("sequence")
        let past: [InferenceStage.Dimension] = [batch, .fixed(1), .symbolic("past_sequence"), .fixed(width)]
        let present: [InferenceStage.Dimension] = [batch, .fixed(1), .symbolic("total_sequence"), .fixed(width)]
        let graph = Graph(
            name: "synthetic-decoder",
            nodes: [
                Node(name: "tok", opType: "Gather", inputs: ["E", "input_ids"], outputs: ["te"]),
                Node(name: "pos", opType: "Gather", inputs: ["P", "position_ids"], outputs: ["pe"]),
                Node(name: "add", opType: "Add", inputs: ["te", "pe"], outputs: ["h"]),
                Node(name: "head", opType: "MatMul", inputs: ["h", "W"], outputs: ["logits"]),
                Node(name: "unsq", opType: "Unsqueeze", inputs: ["h", "axes"], outputs: ["hk"]),
                Node(name: "ck", opType: "Concat", inputs: ["past_key_values.0.key", "hk"], outputs: ["present.0.key"], attributes: ["axis": .int(2)]),
                Node(name: "cv", opType: "Concat", inputs: ["past_key_values.0.value", "hk"], outputs: ["present.0.value"], attributes: ["axis": .int(2)]),
            ],
            inputs: [
                ValueInfo(name: "input_ids", dataType: .int64, shape: [batch, sequence]),
                ValueInfo(name: "attention_mask", dataType: .int64, shape: [batch, .symbolic("total_sequence")]),
                ValueInfo(name: "position_ids", dataType: .int64, shape: [batch, sequence]),
                ValueInfo(name: "past_key_values.0.key", dataType: .float32, shape: past),
                ValueInfo(name: "past_key_values.0.value", dataType: .float32, shape: past),
            ],
            outputs: [
                ValueInfo(name: "logits", dataType: .float32, shape: [batch, sequence, .fixed(vocabulary)]),
                ValueInfo(name: "present.0.key", dataType: .float32, shape: present),
                ValueInfo(name: "present.0.value", dataType: .float32, shape: present),
            ],
            initializers: [
                "E": try TensorData(embeddings.flatMap { $0 }, dims: [vocabulary, width]),
                "P": try TensorData(positionTable.flatMap { $0 }, dims: [positions, width]),
                "W": try TensorData(projection.flatMap { $0 }, dims: [width, vocabulary]),
                "axes": try TensorData([Int64(1)], dims: [1]),
            ],
            valueInfo: [:])
        return OnnxModel(irVersion: 8, producerName: "test", producerVersion: "1", opsetImports: ["": 17], graph: graph)
    }

    /// Greedy tokens of one prompt, computed on the host.
    static func expectedGreedy(_ prompt: [Int], count: Int) -> [Int] {
        var tokens: [Int] = [], last = prompt[prompt.count - 1], position = prompt.count - 1
        for _ in 0..<count {
            let h = (0..<width).map { embeddings[last][$0] + positionTable[position][$0] }
            let logits = (0..<vocabulary).map { v in (0..<width).reduce(Float(0)) { $0 + h[$1] * projection[$1][v] } }
            last = TokenSamplerReference.argmax(logits) ?? 0
            tokens.append(last)
            position += 1
        }
        return tokens
    }

    static let prompts = [[3, 1, 4, 1, 5], [9], [2, 6, 5]]

    @Test(arguments: [true, false]) func greedyBatchEqualsTheHostComputation(staticShapes: Bool) throws {
        let generator = try Generator(session: InferenceSession(model: Self.model(), options: SessionOptions(context: OperatorHarness.context)))
        #expect(generator.interface == DecoderInterface(layers: 1, heads: 1, headDimension: 8, vocabularySize: 16, maxPositions: 40))
        let output = try generator.generate(prompts: Self.prompts, config: GenerationConfig(maxNewTokens: 10, staticDecodeShapes: staticShapes))
        for (row, prompt) in Self.prompts.enumerated() {
            #expect(output.sequences[row].tokens == Self.expectedGreedy(prompt, count: 10), "row \(row)")
        }
    }

    @Test(arguments: [true, false]) func decodeStepsMoveOnlyTheChosenIds(staticShapes: Bool) throws {
        let context = try GPUContext(selection: DeviceSelection(enableValidation: true))
        let generator = try Generator(session: InferenceSession(model: Self.model(), options: SessionOptions(context: context)))
        var snapshots: [MemoryStats.Snapshot] = []
        let output = try generator.generate(prompts: Self.prompts, config: GenerationConfig(
            maxNewTokens: 9, sampling: SamplingOptions(temperature: 0.8, topP: 0.9, repetitionPenalty: 1.2, seed: 4),
            staticDecodeShapes: staticShapes)) { _ in
            snapshots.append(context.stats.snapshot)
            return []
        }
        #expect(output.decodeSteps == 8)
        for index in 1..<snapshots.count {
            let before = snapshots[index - 1], after = snapshots[index]
            #expect(after.uploads == before.uploads, "decode step \(index) uploaded \(after.uploadBytes - before.uploadBytes) bytes")
            #expect(after.downloads == before.downloads + 1, "decode step \(index): \(after.downloads - before.downloads) downloads")
            #expect(after.downloadBytes == before.downloadBytes + 3 * 4, "decode step \(index)")
        }
        #expect(context.validation?.drain() ?? [] == [])
    }

    @Test func capturedDecodeReplaysOneRecordingWithTheSameTokens() throws {
        let session = try InferenceSession(model: Self.model(), options: SessionOptions(context: OperatorHarness.context))
        let generator = try Generator(session: session)
        let config = GenerationConfig(maxNewTokens: 12, sampling: SamplingOptions(temperature: 1.2, topK: 8, seed: 9))
        let plain = try generator.generate(prompts: Self.prompts, config: config)
        var captured = config
        captured.captureDecode = true
        let replayed = try generator.generate(prompts: Self.prompts, config: captured)
        #expect(replayed.sequences.map(\.tokens) == plain.sequences.map(\.tokens))
        #expect(replayed.decodeSteps == 11)
        // The first decode step records and runs the recording; every later one replays it.
        #expect(replayed.capturedReplays == 11 && plain.capturedReplays == 0)
    }
}
