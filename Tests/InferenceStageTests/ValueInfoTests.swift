import GPUCore
import Testing
@testable import InferenceStage

@Suite struct ValueInfoTests {
    @Test func subgraph_outputs_may_be_untyped_but_main_graph_outputs_may_not() throws {
        let graph = try ModelLoader.load(path: Fixtures.path("subgraph_untyped_output.onnx")).graph
        let branch = try #require(graph.nodes.first { $0.opType == "If" })
        #expect(try branch.graph("then_branch").outputs == [ValueInfo(name: "then_out", dataType: nil, shape: nil)])
        #expect(Fixtures.loadError("untyped_graph_output.onnx")
            == .invalidValueInfo(value: "Y", graph: "main", reason: "graph inputs and outputs must declare a type"))
    }

    @Test func fixed_symbolic_unknown_and_scalar_dimensions() throws {
        let symbolic = try ModelLoader.load(path: Fixtures.path("symbolic_dims.onnx")).graph
        #expect(symbolic.inputs == [ValueInfo(name: "X", dataType: .float32, shape: [.symbolic("batch"), .fixed(3), .unknown])])
        #expect(symbolic.inputs[0].shape?.map(\.description) == ["batch", "3", "?"])
        let scalar = try ModelLoader.load(path: Fixtures.path("node/test_if/model.onnx")).graph
        #expect(scalar.inputs == [ValueInfo(name: "cond", dataType: .bool, shape: [])])
        #expect(scalar.outputs == [ValueInfo(name: "res", dataType: .float32, shape: [.fixed(5)])])
    }
}
