import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// onnx's own node test cases for Softmax, LogSoftmax, Reduce*, ArgMax/ArgMin, LayerNormalization
/// and InstanceNormalization (written by scripts/make_reduce_node_tests.py, listed in
/// Tests/Fixtures/onnx/reduce_node_tests.txt): the CPU reference must reproduce onnx's expected
/// outputs, and the GPU kernel, where it accepts the case, must agree with them too.
@Suite struct ReduceNodeCaseTests {
    static let names: [String] = {
        let list = (try? String(contentsOfFile: Fixtures.path("reduce_node_tests.txt"), encoding: .utf8)) ?? ""
        return list.split(separator: "\n").map(String.init)
    }()

    @Test func theCaseListIsThere() {
        #expect(Self.names.count >= 100)
    }

    @Test(arguments: names)
    func nodeCase(name: String) throws {
        let directory = "node/\(name)"
        let model = try ModelLoader.load(path: Fixtures.path("\(directory)/model.onnx"))
        let node = try #require(model.graph.nodes.first)
        let opset = try #require(model.defaultOpsetVersion)
        let registration = try #require(OperatorRegistry.lookup(node.opType, domain: node.domain, opset: opset), "\(node.opType) at opset \(opset)")
        let op = try registration.make(node, opset)

        // Graph inputs feed node inputs by name; every value is known up front (axes included).
        let feeds = try Dictionary(uniqueKeysWithValues: model.graph.inputs.indices.map { i in
            (model.graph.inputs[i].name, try TensorFile.read(path: Fixtures.path("\(directory)/test_data_set_0/input_\(i).pb")).tensor)
        })
        let inputs: [TensorData?] = node.inputs.map { $0.isEmpty ? nil : feeds[$0] ?? model.graph.initializers[$0] }
        let expected = try model.graph.outputs.indices.map { i in
            try TensorFile.read(path: Fixtures.path("\(directory)/test_data_set_0/output_\(i).pb")).tensor
        }
        let planInputs = inputs.map { $0.map { PlanInput(spec: TensorSpec($0.dataType, $0.dims), constant: $0) } }
        let specs = try op.outputSpecs(planInputs)
        let cpu = try op.computeCPU(inputs, outputs: specs)
        for (index, (actual, wanted)) in zip(cpu, expected).enumerated() {
            OperatorHarness.expectClose(actual, wanted, rtol: 1e-4, atol: 1e-5, what: "\(name) CPU output \(index)")
        }
        guard op.gpuUnsupportedReason(planInputs, outputs: specs, device: OperatorHarness.context.capabilities) == nil else { return }
        let gpu = try OperatorHarness.runGPU(op, inputs: inputs, specs: specs, constants: planInputs.map { $0?.constant })
        for (index, (actual, wanted)) in zip(gpu, expected).enumerated() {
            OperatorHarness.expectClose(actual, wanted, rtol: 1e-4, atol: 1e-5, what: "\(name) GPU output \(index)")
        }
        let messages = OperatorHarness.context.validation?.drain() ?? []
        #expect(messages.isEmpty, "validation: \(messages)")
    }
}
