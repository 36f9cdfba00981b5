import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// The bundled EfficientNet-Lite0 (trained ImageNet weights) against onnxruntime's output for
/// the same preprocessed photo (fixtures made by scripts/reference_classify.py).
@Suite struct EfficientNetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let model = root.appendingPathComponent("pipelines/models/efficientnet-lite0.onnx").path
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/models")

    @Test func logitsMatchOnnxRuntimeOnTheGPU() async throws {
        let input = try TensorFile.read(path: Self.fixtures.appendingPathComponent("coffee_input.pb").path).tensor
        let expected = try TensorFile.read(path: Self.fixtures.appendingPathComponent("coffee_logits.pb").path).tensor
        let session = try InferenceSession(modelPath: Self.model, options: SessionOptions(context: OperatorHarness.context))
        // Every node runs on the GPU (after Conv+activation fusion).
        let placements = try session.placements(inputDims: ["images": [1, 3, 224, 224]])
        #expect(placements.allSatisfy { $0.placement == "gpu" || $0.placement == "alias" }, "\(placements.filter { !$0.placement.hasPrefix("gpu") })")
        #expect(placements.contains { $0.opType == "FusedConv" })
        let outputs = try await session.run(feeds: ["images": Tensor(input)])
        let logits = try #require(outputs["logits"]).cpuData()
        OperatorHarness.expectClose(logits, expected, rtol: 1e-3, atol: 2e-4, what: "EfficientNet logits vs onnxruntime")
        let top = logits.floats().enumerated().max { $0.element < $1.element }?.offset
        #expect(top == 967)  // espresso
        #expect(OperatorHarness.context.validation?.drain() ?? [] == [])
    }

    @Test func cpuProviderAgreesWithOnnxRuntime() async throws {
        let input = try TensorFile.read(path: Self.fixtures.appendingPathComponent("coffee_input.pb").path).tensor
        let expected = try TensorFile.read(path: Self.fixtures.appendingPathComponent("coffee_logits.pb").path).tensor
        let session = try InferenceSession(modelPath: Self.model, options: SessionOptions(executionProviders: [.cpu]))
        let logits = try #require(try await session.run(feeds: ["images": Tensor(input)])["logits"]).cpuData()
        OperatorHarness.expectClose(logits, expected, rtol: 1e-3, atol: 2e-4, what: "CPU reference vs onnxruntime")
    }
}
