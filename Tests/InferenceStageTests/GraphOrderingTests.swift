import GPUCore
import Testing
@testable import InferenceStage

@Suite struct GraphOrderingTests {
    @Test func nodes_out_of_order_are_sorted_topologically() throws {
        let graph = try ModelLoader.load(path: Fixtures.path("out_of_order.onnx")).graph
        #expect(graph.nodes.map(\.name) == ["n1", "n2", "n3"])
    }

    @Test func already_sorted_nodes_keep_their_file_order() throws {
        let nodes = [
            Node(name: "a", opType: "Relu", inputs: ["x"], outputs: ["a"]),
            Node(name: "independent", opType: "Neg", inputs: ["x"], outputs: ["n"]),
            Node(name: "b", opType: "Add", inputs: ["a", "n"], outputs: ["b"]),
        ]
        let ordering = GraphOrdering(graphName: "g", available: ["x"])
        #expect(try ordering.sorted(nodes, captured: [[], [], []]).map(\.name) == ["a", "independent", "b"])
    }

    @Test func cycle_names_every_node_in_it() {
        let error = Fixtures.loadError("cycle.onnx")
        #expect(error == .cycle(graph: "main", nodes: ["node 'first' (Add)", "node 'third' (Neg)", "node 'second' (Relu)"]))
        #expect(error?.errorDescription?.contains("node 'first' (Add) → node 'third' (Neg)") == true)
    }

    @Test func missing_initializer_names_node_op_and_input() {
        let error = Fixtures.loadError("missing_input.onnx")
        #expect(error == .missingInput(node: "node 'add_bias' (Add)", input: "bias", graph: "main"))
        #expect(error?.errorDescription?.contains("missing initializer") == true)
    }

    @Test func absent_optional_inputs_stay_empty_strings() throws {
        let node = try #require(try ModelLoader.load(path: Fixtures.path("optional_input.onnx")).graph.nodes.first)
        #expect(node.inputs == ["X", "", "hi"])
    }

    @Test func subgraphs_are_parsed_and_their_outer_reads_order_the_outer_graph() throws {
        let graph = try ModelLoader.load(path: Fixtures.path("subgraph_if.onnx")).graph
        // The file lists the If first, but its branches read 'shift', which make_shift produces.
        #expect(graph.nodes.map(\.name) == ["make_shift", "branch"])
        let branch = graph.nodes[1]
        let thenBranch = try branch.graph("then_branch")
        let elseBranch = try branch.graph("else_branch")
        #expect(thenBranch.name == "then")
        #expect(thenBranch.nodes.map(\.opType) == ["Add"])
        #expect(thenBranch.nodes[0].inputs == ["X", "shift"])
        #expect(elseBranch.nodes.map(\.opType) == ["Sub"])
        #expect(elseBranch.outputs.map(\.name) == ["else_out"])
    }

    @Test func missing_input_inside_a_subgraph_names_the_inner_node() {
        #expect(Fixtures.loadError("subgraph_missing_input.onnx")
            == .missingInput(node: "node 'bad_add' (Add)", input: "nowhere", graph: "then"))
    }

    @Test func two_producers_of_one_value_are_rejected() {
        let nodes = [
            Node(name: "p1", opType: "Relu", inputs: ["x"], outputs: ["y"]),
            Node(name: "p2", opType: "Neg", inputs: ["x"], outputs: ["y"]),
        ]
        #expect(throws: ModelError.duplicateProducer(value: "y", producers: ["node 'p1' (Relu)", "node 'p2' (Neg)"], graph: "g")) {
            try GraphOrdering(graphName: "g", available: ["x"]).sorted(nodes, captured: [[], []])
        }
    }

    @Test func a_long_chain_sorts_without_recursion() throws {
        // 100,000 nodes listed last-to-first: a recursive sort would overflow the stack.
        let count = 100_000
        let nodes = (0..<count).reversed().map { index in
            Node(name: "n\(index)", opType: "Relu", inputs: [index == 0 ? "x" : "v\(index - 1)"], outputs: ["v\(index)"])
        }
        let sorted = try GraphOrdering(graphName: "g", available: ["x"])
            .sorted(nodes, captured: Array(repeating: [], count: count))
        #expect(sorted.first?.name == "n0")
        #expect(sorted.last?.name == "n\(count - 1)")
        #expect(sorted.count == count)
    }
}
