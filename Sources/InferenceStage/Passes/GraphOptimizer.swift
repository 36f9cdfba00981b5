/// The graph passes a session runs before planning, in order. Each pass is a small type with its
/// own tests; all keep the graph's outputs bit-for-bit meaningful (fusions change rounding only).
public enum GraphOptimizer {
    public static func optimize(_ graph: Graph, opsetImports: [String: Int]) throws -> Graph {
        var graph = graph
        let opset = opsetImports[""] ?? 21
        graph = try ConstantFolding.run(graph, opset: opset)
        graph = try ConvBatchNormFusion.run(graph)
        graph = try ActivationFusion.run(graph, opset: opset)
        graph = DeadNodeElimination.run(graph)
        return graph
    }
}

extension Graph {
    /// How many nodes read each value (graph outputs count as readers).
    func readerCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for node in nodes { for input in node.inputs where !input.isEmpty { counts[input, default: 0] += 1 } }
        for output in outputs { counts[output.name, default: 0] += 1 }
        return counts
    }

    /// The node producing each value.
    func producers() -> [String: Int] {
        var table: [String: Int] = [:]
        for (index, node) in nodes.enumerated() { for output in node.outputs where !output.isEmpty { table[output] = index } }
        return table
    }
}
