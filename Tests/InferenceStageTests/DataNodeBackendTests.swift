import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// onnx's own node test cases for the data-movement and shape operators
/// (scripts/make_data_node_tests.py lists them in node/data_ops.txt): the CPU reference must
/// reproduce the expected outputs, and the GPU kernel (where it accepts the node) the CPU's.
@Suite struct DataNodeBackendTests {
    static let names: [String] = {
        guard let text = try? String(contentsOfFile: Fixtures.path("node/data_ops.txt"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }()

    @Test func theCaseListIsThere() {
        #expect(Self.names.count > 100)
    }

    @Test(arguments: names)
    func nodeCase(name: String) throws {
        let directory = "node/\(name)"
        let model = try ModelLoader.load(path: Fixtures.path("\(directory)/model.onnx"))
        let node = try #require(model.graph.nodes.first)
        let opset = try #require(model.defaultOpsetVersion)
        var values = model.graph.initializers
        for (index, input) in model.graph.inputs.enumerated() {
            values[input.name] = try TensorFile.read(path: Fixtures.path("\(directory)/test_data_set_0/input_\(index).pb")).tensor
        }
        let inputs = node.inputs.map { $0.isEmpty ? nil : values[$0] }
        let outcome = try DataOperatorTesting.run(node, opset: opset, inputs: inputs, requireGPU: false)
        for (index, output) in model.graph.outputs.enumerated() {
            let expected = try TensorFile.read(path: Fixtures.path("\(directory)/test_data_set_0/output_\(index).pb")).tensor
            let position = try #require(node.outputs.firstIndex(of: output.name))
            try #require(position < outcome.cpu.count, "\(name): no output \(position)")
            OperatorHarness.expectClose(outcome.cpu[position], expected, rtol: 1e-5, atol: 1e-6, what: "\(name) output \(index)")
        }
    }
}
