/// Puts a graph's nodes in topological order and checks that every value a node reads exists.
/// Files may list nodes in any order; a depth-first walk in file order keeps an already sorted
/// file's order unchanged, and it runs with an explicit stack so a long chain of nodes cannot
/// overflow the call stack.
struct GraphOrdering {
    let graphName: String
    /// Values available without a producing node: the graph's inputs and initialisers...
    let available: Set<String>
    /// ...and the values of enclosing graphs.
    var outer = ValueScope()

    /// `captured[i]` are the outer values node `i`'s subgraphs read; the node depends on their
    /// producers just as on its explicit inputs.
    func sorted(_ nodes: [Node], captured: [Set<String>]) throws(ModelError) -> [Node] {
        let producers = try producerIndex(nodes)
        var dependencies: [[Int]] = []
        dependencies.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() {
            var needs: [Int] = []
            for input in node.inputs where !input.isEmpty {
                if let producer = producers[input] {
                    needs.append(producer)
                } else if !available.contains(input) && !outer.contains(input) {
                    throw .missingInput(node: node.label, input: input, graph: graphName)
                }
            }
            for name in captured[index].sorted() {
                if let producer = producers[name] { needs.append(producer) }
            }
            dependencies.append(needs)
        }
        return try depthFirstOrder(dependencies, nodes).map { nodes[$0] }
    }

    private func producerIndex(_ nodes: [Node]) throws(ModelError) -> [String: Int] {
        var producers: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                if let earlier = producers[output] {
                    throw .duplicateProducer(value: output, producers: [nodes[earlier].label, node.label], graph: graphName)
                }
                if available.contains(output) || outer.contains(output) {
                    throw .duplicateProducer(value: output, producers: ["a graph input, initializer or outer value", node.label],
                                             graph: graphName)
                }
                producers[output] = index
            }
        }
        return producers
    }

    private enum Mark { case unvisited, inProgress, done }

    private func depthFirstOrder(_ dependencies: [[Int]], _ nodes: [Node]) throws(ModelError) -> [Int] {
        var marks = [Mark](repeating: .unvisited, count: dependencies.count)
        var order: [Int] = []
        order.reserveCapacity(dependencies.count)
        for root in dependencies.indices where marks[root] == .unvisited {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            marks[root] = .inProgress
            while let top = stack.last {
                if top.next < dependencies[top.node].count {
                    stack[stack.count - 1].next += 1
                    let needed = dependencies[top.node][top.next]
                    switch marks[needed] {
                    case .unvisited:
                        marks[needed] = .inProgress
                        stack.append((needed, 0))
                    case .inProgress:
                        // The stack from `needed` to the top is the cycle: each entry needs the next.
                        let start = stack.firstIndex { $0.node == needed } ?? 0
                        throw .cycle(graph: graphName, nodes: stack[start...].map { nodes[$0.node].label })
                    case .done:
                        break
                    }
                } else {
                    stack.removeLast()
                    marks[top.node] = .done
                    order.append(top.node)
                }
            }
        }
        return order
    }
}
