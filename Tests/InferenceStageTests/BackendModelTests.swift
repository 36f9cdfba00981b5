import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// Real models and data from onnx's backend tests (Tests/Fixtures/onnx/node/).
@Suite struct BackendModelTests {
    private func dataSet(_ test: String, _ file: String) throws -> TensorFile {
        try TensorFile.read(path: Fixtures.path("node/\(test)/test_data_set_0/\(file).pb"))
    }

    @Test(arguments: ["test_relu", "test_single_relu_model"])
    func relu_model_and_its_data_agree(test: String) throws {
        let model = try ModelLoader.load(path: Fixtures.path("node/\(test)/model.onnx"))
        let node = try #require(model.graph.nodes.first)
        #expect(model.graph.nodes.count == 1)
        #expect(node.opType == "Relu")
        #expect(node.inputs == model.graph.inputs.map(\.name))
        #expect(node.outputs == model.graph.outputs.map(\.name))

        let input = try dataSet(test, "input_0")
        let output = try dataSet(test, "output_0")
        #expect(input.tensor.dataType == .float32)
        #expect(input.tensor.dims == model.graph.inputs[0].shape?.map { dimension -> Int in
            if case .fixed(let size) = dimension { return size }
            return -1
        })
        // The reference output is max(x, 0) of the reference input.
        let relu = try input.tensor.scalars(as: Float.self).map { max($0, 0) }
        #expect(try output.tensor.scalars(as: Float.self) == relu)
        #expect(output.tensor.dims == input.tensor.dims)
    }

    @Test func if_model_from_the_onnx_node_tests() throws {
        let model = try ModelLoader.load(path: Fixtures.path("node/test_if/model.onnx"))
        let node = try #require(model.graph.nodes.first)
        #expect(node.opType == "If")
        let thenBranch = try node.graph("then_branch")
        let elseBranch = try node.graph("else_branch")
        // Each branch is a Constant node whose value is the output the data set expects for it.
        let thenValue = try #require(thenBranch.nodes.first).tensor("value")
        let elseValue = try #require(elseBranch.nodes.first).tensor("value")
        let condition = try dataSet("test_if", "input_0").tensor
        let expected = try dataSet("test_if", "output_0").tensor
        let taken = try condition.scalars(as: Bool.self) == [true] ? thenValue : elseValue
        #expect(taken == expected)
        #expect(thenValue != elseValue)
    }
}
