/// Removes nodes whose outputs nothing reads (transitively from the graph outputs) and
/// initializers no node or output uses. Also drops unread trailing optional outputs of operators
/// whose extra outputs cost work or force the CPU (Dropout's mask, MaxPool's Indices): older
/// exporters name them even when nothing reads them (AlexNet, VGG-19 and Inception v1 in onnx's
/// model tests), which kept those nodes off the GPU.
public enum DeadNodeElimination {
    /// The index of the first optional output, per (default-domain) operator.
    static let optionalOutputsFrom: [String: Int] = ["Dropout": 1, "MaxPool": 1]

    public static func run(_ graph: Graph) -> Graph {
        var needed = Set(graph.outputs.map(\.name))
        var keep = [Bool](repeating: false, count: graph.nodes.count)
        var nodes = graph.nodes
        for index in graph.nodes.indices.reversed() {
            let node = graph.nodes[index]
            if node.outputs.contains(where: needed.contains) {
                keep[index] = true
                needed.formUnion(node.inputs.filter { !$0.isEmpty })
                // Values read inside subgraphs keep their producers alive too.
                for case .graph(let sub) in node.attributes.values { needed.formUnion(sub.nodes.flatMap(\.inputs)) }
                // Nodes run in order, so every reader of this node's outputs has been seen.
                if node.domain.isEmpty, let first = optionalOutputsFrom[node.opType] {
                    while nodes[index].outputs.count > first, let last = nodes[index].outputs.last, !needed.contains(last) {
                        nodes[index].outputs.removeLast()
                    }
                }
            }
        }
        var result = graph
        result.nodes = nodes.indices.filter { keep[$0] }.map { nodes[$0] }
        let inputNames = Set(graph.inputs.map(\.name))
        result.initializers = graph.initializers.filter { needed.contains($0.key) || inputNames.contains($0.key) }
        return result
    }
}
