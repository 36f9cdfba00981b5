import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// onnx's own node test cases for Conv, ConvTranspose and BatchNormalization
/// (scripts/make_conv_node_tests.py): the CPU reference must reproduce the expected outputs, and
/// the GPU kernel must agree with it where it runs.
@Suite struct ConvNodeCaseTests {
    static let cases = [
        "test_basic_conv_with_padding", "test_basic_conv_without_padding", "test_conv_with_autopad_same",
        "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_strides_no_padding", "test_conv_with_strides_padding",
        "test_convtranspose", "test_convtranspose_1d", "test_convtranspose_3d", "test_convtranspose_autopad_same",
        "test_convtranspose_dilations", "test_convtranspose_group_2", "test_convtranspose_group_2_image_3",
        "test_convtranspose_kernel_shape", "test_convtranspose_output_shape", "test_convtranspose_pad", "test_convtranspose_pads",
        "test_batchnorm_epsilon", "test_batchnorm_example",
    ]

    static func tensor(_ test: String, _ file: String) throws -> TensorData {
        try TensorFile.read(path: Fixtures.path("node/\(test)/test_data_set_0/\(file).pb")).tensor
    }

    @Test(arguments: cases)
    func referenceOutputsMatch(test: String) throws {
        let model = try ModelLoader.load(path: Fixtures.path("node/\(test)/model.onnx"))
        #expect(model.graph.nodes.count == 1)
        let node = try #require(model.graph.nodes.first)
        let opset = try #require(model.defaultOpsetVersion)
        let inputs = try node.inputs.indices.map { try Self.tensor(test, "input_\($0)") }
        let expected = try Self.tensor(test, "output_0")
        let outcome = try OperatorHarness.check(node.opType, attributes: node.attributes, inputs: inputs, opset: opset,
                                                constantInputs: Set(1..<inputs.count), rtol: 1e-5, atol: 1e-5,
                                                requireGPU: !test.hasSuffix("_3d"))
        OperatorHarness.expectClose(outcome.cpu[0], expected, rtol: 1e-5, atol: 1e-5, what: "\(test) CPU vs onnx")
    }

    @Test(arguments: ["test_batchnorm_epsilon_training_mode", "test_batchnorm_example_training_mode"])
    func trainingModeCasesAreRefused(test: String) throws {
        let model = try ModelLoader.load(path: Fixtures.path("node/\(test)/model.onnx"))
        let node = try #require(model.graph.nodes.first)
        let opset = try #require(model.defaultOpsetVersion)
        let registration = try #require(OperatorRegistry.lookup(node.opType, opset: opset))
        #expect(throws: ModelError.self) { _ = try registration.make(node, opset) }
    }
}
