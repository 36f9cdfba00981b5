import GPUCore

/// Evaluates, with the CPU reference operators, every node whose inputs are all initializers (or
/// absent), and turns its outputs into initializers. Shape-dependent folding happens later, when
/// a plan knows the input shapes.
public enum ConstantFolding {
    /// Folded outputs larger than this stay nodes (a folded Expand could blow up model memory).
    public static let maxFoldedElements = 1 << 24

    public static func run(_ graph: Graph, opset: Int) throws -> Graph {
        var result = graph
        var constants = graph.initializers
        let graphInputs = Set(graph.inputs.map(\.name))
        var kept: [Node] = []
        for node in graph.nodes {
            let foldable = node.domain.isEmpty && node.attributes.values.allSatisfy { if case .graph = $0 { false } else { true } }
                && node.inputs.allSatisfy { $0.isEmpty || (constants[$0] != nil && !graphInputs.contains($0)) }
            guard foldable, let registration = OperatorRegistry.lookup(node.opType, opset: opset),
                  let folded = try? evaluate(node, registration: registration, opset: opset, constants: constants) else {
                kept.append(node)
                continue
            }
            for (name, value) in folded { constants[name] = value }
        }
        result.nodes = kept
        result.initializers = constants
        return result
    }

    private static func evaluate(_ node: Node, registration: OperatorRegistration, opset: Int,
                                 constants: [String: TensorData]) throws -> [(String, TensorData)]? {
        let op = try registration.make(node, opset)
        let inputs = node.inputs.map { $0.isEmpty ? nil : constants[$0] }
        let specs = try op.outputSpecs(inputs.map { $0.map { PlanInput(spec: TensorSpec($0.dataType, $0.dims), constant: $0) } })
        guard specs.allSatisfy({ $0.elementCount <= maxFoldedElements }) else { return nil }
        let values = try op.computeCPU(inputs, outputs: specs)
        return node.outputs.enumerated().compactMap { index, name in
            name.isEmpty || index >= values.count ? nil : (name, values[index])
        }
    }
}
