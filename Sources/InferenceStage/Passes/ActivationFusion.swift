import GPUCore

/// Folds epilogues into the producing kernel so activations never make a round trip through
/// memory: Conv(+activation) → `com.sluice::FusedConv`, MatMul+Add(bias)(+activation) →
/// `com.sluice::FusedMatMul`. Applies only where the intermediate value has a single reader and
/// the fused operator is registered.
public enum ActivationFusion {
    static let domain = "com.sluice"

    public static func run(_ graph: Graph, opset: Int) throws -> Graph {
        var result = graph
        result = try fuseConvActivations(result, opset: opset)
        result = try fuseMatMulBias(result, opset: opset)
        return result
    }

    /// The activation a node applies, with its parameters, if it is one a fused kernel knows.
    static func activation(of node: Node, in graph: Graph, opset: Int, supported: Set<String>) -> (String, [Float])? {
        guard node.domain.isEmpty, supported.contains(node.opType) else { return nil }
        switch node.opType {
        case "Clip":
            if opset >= 11 {
                func bound(_ i: Int, _ fallback: Float) -> Float? {
                    guard i < node.inputs.count, !node.inputs[i].isEmpty else { return fallback }
                    return graph.initializers[node.inputs[i]]?.floats().first
                }
                guard let lo = bound(1, -Float.greatestFiniteMagnitude), let hi = bound(2, Float.greatestFiniteMagnitude) else { return nil }
                return ("Clip", [lo, hi])
            }
            guard let lo = try? node.float("min", default: -Float.greatestFiniteMagnitude),
                  let hi = try? node.float("max", default: Float.greatestFiniteMagnitude) else { return nil }
            return ("Clip", [lo, hi])
        case "LeakyRelu":
            return ("LeakyRelu", [(try? node.float("alpha", default: 0.01)) ?? 0.01])
        case "Gelu":
            let approximate = (try? node.string("approximate", default: "none")) ?? "none"
            return (approximate == "tanh" ? "GeluTanh" : "Gelu", [])
        default:
            return (node.opType, [])
        }
    }

    static func fuseConvActivations(_ graph: Graph, opset: Int) throws -> Graph {
        guard OperatorRegistry.lookup("FusedConv", domain: domain, opset: 1) != nil else { return graph }
        var result = graph
        let readers = graph.readerCounts(), producers = graph.producers()
        var removed = Set<Int>()
        for (index, node) in graph.nodes.enumerated() {
            guard let (name, params) = activation(of: node, in: graph, opset: opset, supported: ["Relu", "Clip", "HardSwish", "Sigmoid", "LeakyRelu"]),
                  let convIndex = producers[node.inputs[0]], !removed.contains(convIndex),
                  result.nodes[convIndex].opType == "Conv", result.nodes[convIndex].domain.isEmpty,
                  readers[node.inputs[0]] == 1 else { continue }
            var fused = result.nodes[convIndex]
            fused.opType = "FusedConv"
            fused.domain = domain
            fused.attributes["activation"] = .string(name)
            fused.attributes["activation_params"] = .floats(params)
            fused.outputs = [node.outputs[0]]
            result.nodes[convIndex] = fused
            removed.insert(index)
        }
        result.nodes = result.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return result
    }

    static func fuseMatMulBias(_ graph: Graph, opset: Int) throws -> Graph {
        guard OperatorRegistry.lookup("FusedMatMul", domain: domain, opset: 1) != nil else { return graph }
        var result = graph
        var readers = graph.readerCounts()
        var producers = graph.producers()
        var removed = Set<Int>()
        for (index, add) in graph.nodes.enumerated() where add.opType == "Add" && add.domain.isEmpty && add.inputs.count == 2 {
            // MatMul output + a 1-D constant bias over the last dimension, in either order.
            let pairs = [(add.inputs[0], add.inputs[1]), (add.inputs[1], add.inputs[0])]
            guard let (product, bias) = pairs.first(where: { producers[$0.0].map { graph.nodes[$0].opType == "MatMul" && graph.nodes[$0].domain.isEmpty } == true
                                                             && (graph.initializers[$0.1]?.dims.count ?? 0) == 1 }),
                  let matmulIndex = producers[product], !removed.contains(matmulIndex), readers[product] == 1,
                  let weights = graph.initializers[graph.nodes[matmulIndex].inputs[1]], let biasData = graph.initializers[bias],
                  weights.dims.last == biasData.dims.first else { continue }
            var fused = result.nodes[matmulIndex]
            fused.opType = "FusedMatMul"
            fused.domain = domain
            fused.inputs = [fused.inputs[0], fused.inputs[1], bias]
            fused.attributes = ["activation": .string("")]
            fused.outputs = [add.outputs[0]]
            // Then an activation reading only the sum joins too.
            if readers[add.outputs[0]] == 1,
               let actIndex = graph.nodes.indices.first(where: { graph.nodes[$0].inputs.first == add.outputs[0] }),
               let (name, _) = activation(of: graph.nodes[actIndex], in: graph, opset: opset, supported: ["Relu", "Sigmoid", "Tanh", "Gelu"]) {
                fused.attributes["activation"] = .string(name)
                fused.outputs = [graph.nodes[actIndex].outputs[0]]
                removed.insert(actIndex)
            }
            result.nodes[matmulIndex] = fused
            removed.insert(index)
            readers = result.readerCounts()
            producers = result.producers()
        }
        result.nodes = result.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return result
    }
}
