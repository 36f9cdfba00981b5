import GPUCore

/// A graph's nodes with their operators built once per session (attributes parsed, registry
/// looked up), so plans for new input shapes only redo shape work.
struct CompiledGraph: Sendable {
    struct CompiledNode: Sendable {
        let node: Node
        let op: any Operator
    }

    let graph: Graph
    let nodes: [CompiledNode]
    let opset: Int
    /// Graph inputs that are not initializers: what callers must feed.
    let requiredInputs: [ValueInfo]
    /// Initializers that are also listed as inputs: feeds may override them.
    let overridableInputs: Set<String>

    init(graph: Graph, opsetImports: [String: Int]) throws {
        self.graph = graph
        let opset = opsetImports[""] ?? 21
        self.opset = opset
        nodes = try graph.nodes.map { node in
            let version = opsetImports[node.domain] ?? (node.domain == "com.sluice" ? 1 : opset)
            guard let registration = OperatorRegistry.lookup(node.opType, domain: node.domain, opset: version) else {
                throw InferenceError.unknownOperator(node: node.label, opType: node.opType, domain: node.domain, opset: version,
                                                     knownOpsets: OperatorRegistry.registrations(for: node.opType, domain: node.domain).map(\.opsets))
            }
            do {
                return CompiledNode(node: node, op: try registration.make(node, version))
            } catch let error as ModelError {
                throw error
            } catch {
                throw InferenceError.node(node: node.label, message: error.localizedDescription)
            }
        }
        requiredInputs = graph.inputs.filter { graph.initializers[$0.name] == nil }
        overridableInputs = Set(graph.inputs.map(\.name).filter { graph.initializers[$0] != nil })
    }
}
