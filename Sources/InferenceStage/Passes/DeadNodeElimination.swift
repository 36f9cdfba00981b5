/// Removes nodes whose outputs nothing reads (transitively from the graph outputs) and
/// initializers no node or output uses.
public enum DeadNodeElimination {
    public static func run(_ graph: Graph) -> Graph {
        var needed = Set(graph.outputs.map(\.name))
        var keep = [Bool](repeating: false, count: graph.nodes.count)
        for index in graph.nodes.indices.reversed() {
            let node = graph.nodes[index]
            if node.outputs.contains(where: needed.contains) {
                keep[index] = true
                needed.formUnion(node.inputs.filter { !$0.isEmpty })
                // Values read inside subgraphs keep their producers alive too.
                for case .graph(let sub) in node.attributes.values { needed.formUnion(sub.nodes.flatMap(\.inputs)) }
            }
        }
        var result = graph
        // Outputs nobody reads become unnamed (ONNX's "optional output not produced"), so kernels
        // skip them: Dropout's mask, BatchNormalization's statistics, MaxPool's indices.
        result.nodes = graph.nodes.indices.filter { keep[$0] }.map { index in
            var node = graph.nodes[index]
            node.outputs = node.outputs.map { needed.contains($0) ? $0 : "" }
            return node
        }
        let inputNames = Set(graph.inputs.map(\.name))
        result.initializers = graph.initializers.filter { needed.contains($0.key) || inputNames.contains($0.key) }
        return result
    }
}
