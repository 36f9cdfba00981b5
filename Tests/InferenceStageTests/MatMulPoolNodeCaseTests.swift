import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// onnx's own node test cases for MatMul, Gemm, the pools and LRN (written by
/// scripts/make_matmul_pool_node_tests.py): each model's single node runs on the CPU reference
/// and, where the operator takes it, on the GPU; both must match the expected outputs.
@Suite struct MatMulPoolNodeCaseTests {
    static let prefixes = ["test_matmul_", "test_gemm_", "test_maxpool_", "test_averagepool_", "test_globalaveragepool", "test_globalmaxpool", "test_lrn"]

    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path("node"))) ?? []
        return names.filter { name in prefixes.contains { name.hasPrefix($0) } }.sorted()
    }()

    @Test func everyFamilyHasCases() {
        for prefix in Self.prefixes { #expect(Self.cases.contains { $0.hasPrefix(prefix) }, "no fixtures for \(prefix)") }
        #expect(Self.cases.count >= 55)
    }

    /// Cases Sluice refuses on purpose, with the attribute it names.
    static let refused = ["test_maxpool_with_argmax_2d_precomputed_strides": "storage_order"]

    @Test(arguments: cases)
    func nodeCase(name: String) throws {
        let directory = "node/\(name)"
        let model = try ModelLoader.load(path: Fixtures.path("\(directory)/model.onnx"))
        let node = try #require(model.graph.nodes.first)
        let opset = model.opsetImports[""] ?? 21
        let registration = try #require(OperatorRegistry.lookup(node.opType, domain: node.domain, opset: opset), "\(node.opType) at opset \(opset)")
        if let attribute = Self.refused[name] {
            #expect(throws: ModelError.unsupportedAttribute(node: node.label, attribute: attribute,
                                                            reason: "only 0 (row-major Indices) is supported, got 1")) {
                try registration.make(node, opset)
            }
            return
        }
        let op = try registration.make(node, opset)
        let inputs = try node.inputs.indices.map { i in
            try TensorFile.read(path: Fixtures.path("\(directory)/test_data_set_0/input_\(i).pb")).tensor
        }
        let expected = try node.outputs.indices.map { i in
            try TensorFile.read(path: Fixtures.path("\(directory)/test_data_set_0/output_\(i).pb")).tensor
        }
        // Some cases' expected values are written with four decimals, hence atol 1e-4.
        let planInputs = inputs.map { PlanInput(spec: TensorSpec($0.dataType, $0.dims)) }
        let specs = try op.outputSpecs(planInputs)
        let cpu = try op.computeCPU(inputs, outputs: specs)
        #expect(cpu.count == expected.count)
        for (got, want) in zip(cpu, expected) {
            OperatorHarness.expectClose(got, want, rtol: 1e-4, atol: 1e-4, what: "\(name) CPU")
        }
        if op.gpuUnsupportedReason(planInputs, outputs: specs, device: OperatorHarness.context.capabilities) == nil {
            let gpu = try OperatorHarness.runGPU(op, inputs: inputs, specs: specs, constants: inputs.map { _ in nil })
            for (got, want) in zip(gpu, expected) {
                OperatorHarness.expectClose(got, want, rtol: 1e-4, atol: 1e-4, what: "\(name) GPU")
            }
        }
    }
}
