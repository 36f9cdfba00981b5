import GPUCore
import Testing
@testable import InferenceStage

@Suite struct PassTests {
    func graph(_ nodes: [Node], inputs: [String] = ["x"], outputs: [String], initializers: [String: TensorData] = [:]) -> Graph {
        Graph(name: "g", nodes: nodes,
              inputs: inputs.map { ValueInfo(name: $0, dataType: .float32, shape: [.fixed(2)]) },
              outputs: outputs.map { ValueInfo(name: $0, dataType: .float32, shape: [.fixed(2)]) },
              initializers: initializers, valueInfo: [:])
    }

    @Test func deadNodesAndUnusedInitializersAreRemoved() throws {
        let g = graph([
            Node(name: "used", opType: "Relu", inputs: ["x"], outputs: ["y"]),
            Node(name: "dead", opType: "Exp", inputs: ["x"], outputs: ["unused"]),
            Node(name: "dead2", opType: "Add", inputs: ["unused", "c"], outputs: ["unused2"]),
        ], outputs: ["y"], initializers: ["c": try TensorData([Float(1), 2], dims: [2])])
        let result = DeadNodeElimination.run(g)
        #expect(result.nodes.map(\.name) == ["used"])
        #expect(result.initializers.isEmpty)
    }

    @Test func constantSubgraphsFoldIntoInitializers() throws {
        let a = try TensorData([Float(1), -2], dims: [2])
        let b = try TensorData([Float(3), 4], dims: [2])
        let g = graph([
            Node(name: "fold1", opType: "Add", inputs: ["a", "b"], outputs: ["ab"]),
            Node(name: "fold2", opType: "Relu", inputs: ["ab"], outputs: ["r"]),
            Node(name: "keep", opType: "Mul", inputs: ["x", "r"], outputs: ["y"]),
        ], outputs: ["y"], initializers: ["a": a, "b": b])
        let result = try ConstantFolding.run(g, opset: 17)
        #expect(result.nodes.map(\.name) == ["keep"])
        #expect(try result.initializers["r"]?.scalars(as: Float.self) == [4, 2])
    }

    @Test func initializersThatAreAlsoInputsAreNotFolded() throws {
        // An initializer listed as a graph input is a default a caller may override.
        let a = try TensorData([Float(1), 2], dims: [2])
        let g = graph([Node(name: "n", opType: "Relu", inputs: ["a"], outputs: ["y"])], inputs: ["a"], outputs: ["y"], initializers: ["a": a])
        #expect(try ConstantFolding.run(g, opset: 17).nodes.count == 1)
    }
}
