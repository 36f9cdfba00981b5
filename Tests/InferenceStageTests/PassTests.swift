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

    /// AlexNet in onnx's model tests names Dropout's mask though nothing reads it; the mask kept
    /// the node on the CPU. Unread outputs become unnamed; read ones and graph outputs stay.
    @Test func unreadOptionalOutputsAreDropped() throws {
        let g = graph([
            Node(name: "drop", opType: "Dropout", inputs: ["x"], outputs: ["d", "mask"]),
            Node(name: "pool", opType: "MaxPool", inputs: ["d"], outputs: ["p", "indices"]),
            Node(name: "kept", opType: "Dropout", inputs: ["p"], outputs: ["y", "readMask"]),
            Node(name: "use", opType: "Add", inputs: ["y", "readMask"], outputs: ["z"]),
        ], outputs: ["z", "indices"])
        let result = DeadNodeElimination.run(g)
        #expect(result.nodes.map(\.outputs) == [["d", ""], ["p", "indices"], ["y", "readMask"], ["z"]])
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

@Suite struct ActivationFusionTests {
    static func matmulModel() throws -> OnnxModel {
        var random = TestRandom(seed: 3)
        let graph = Graph(name: "mlp", nodes: [
            Node(name: "mm", opType: "MatMul", inputs: ["x", "w"], outputs: ["xw"]),
            Node(name: "bias", opType: "Add", inputs: ["xw", "b"], outputs: ["pre"]),
            Node(name: "act", opType: "Relu", inputs: ["pre"], outputs: ["y"]),
        ], inputs: [ValueInfo(name: "x", dataType: .float32, shape: [.fixed(3), .fixed(5)])],
           outputs: [ValueInfo(name: "y", dataType: .float32, shape: [.fixed(3), .fixed(4)])],
           initializers: ["w": random.floats([5, 4]), "b": random.floats([4])], valueInfo: [:])
        return OnnxModel(irVersion: 8, producerName: "", producerVersion: "", opsetImports: ["": 17], graph: graph)
    }

    @Test func matMulBiasAndReluBecomeOneFusedMatMul() throws {
        let fused = try ActivationFusion.run(Self.matmulModel().graph, opset: 17)
        #expect(fused.nodes.count == 1)
        #expect(fused.nodes[0].opType == "FusedMatMul" && fused.nodes[0].domain == "com.sluice")
        #expect(fused.nodes[0].inputs == ["x", "w", "b"] && fused.nodes[0].outputs == ["y"])
        #expect(fused.nodes[0].attributes["activation"] == .string("Relu"))
    }

    @Test func fusedAndUnfusedSessionsAgree() async throws {
        var random = TestRandom(seed: 9)
        let x = Tensor(random.floats([3, 5]))
        var plain = SessionOptions(context: OperatorHarness.context)
        plain.graphOptimization = false
        let a = try await InferenceSession(model: Self.matmulModel(), options: plain).run(feeds: ["x": x])
        let b = try await InferenceSession(model: Self.matmulModel(), options: SessionOptions(context: OperatorHarness.context)).run(feeds: ["x": x])
        OperatorHarness.expectClose(try b["y"]!.cpuData(), try a["y"]!.cpuData(), rtol: 1e-5, atol: 1e-6)
    }

    @Test func sharedIntermediatesAreNotFused() throws {
        var graph = try Self.matmulModel().graph
        graph.outputs.append(ValueInfo(name: "xw", dataType: .float32, shape: [.fixed(3), .fixed(4)]))
        #expect(try ActivationFusion.run(graph, opset: 17).nodes.map(\.opType) == ["MatMul", "Add", "Relu"])
    }
}

@Suite struct ConvBatchNormFusionTests {
    static func model() throws -> OnnxModel {
        var random = TestRandom(seed: 5)
        let graph = Graph(name: "convbn", nodes: [
            Node(name: "conv", opType: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], attributes: ["pads": .ints([1, 1, 1, 1])]),
            Node(name: "bn", opType: "BatchNormalization", inputs: ["c", "scale", "shift", "mean", "var"], outputs: ["y"], attributes: ["epsilon": .float(1e-3)]),
        ], inputs: [ValueInfo(name: "x", dataType: .float32, shape: [.fixed(1), .fixed(3), .fixed(6), .fixed(5)])],
           outputs: [ValueInfo(name: "y", dataType: .float32, shape: nil)],
           initializers: ["w": random.floats([4, 3, 3, 3]), "b": random.floats([4]), "scale": random.floats([4], 0.5...2),
                          "shift": random.floats([4]), "mean": random.floats([4]), "var": random.floats([4], 0.1...3)], valueInfo: [:])
        return OnnxModel(irVersion: 8, producerName: "", producerVersion: "", opsetImports: ["": 17], graph: graph)
    }

    @Test func batchNormFoldsIntoTheConvBefore() throws {
        let fused = try ConvBatchNormFusion.run(Self.model().graph)
        #expect(fused.nodes.map(\.opType) == ["Conv"])
        #expect(fused.nodes[0].outputs == ["y"])
        #expect(fused.nodes[0].attributes["pads"] == .ints([1, 1, 1, 1]))
    }

    @Test func foldedAndUnfoldedGiveTheSameOutput() async throws {
        var random = TestRandom(seed: 11)
        let x = Tensor(random.floats([1, 3, 6, 5]))
        var plain = SessionOptions(context: OperatorHarness.context)
        plain.graphOptimization = false
        let a = try await InferenceSession(model: Self.model(), options: plain).run(feeds: ["x": x])
        let b = try await InferenceSession(model: Self.model(), options: SessionOptions(context: OperatorHarness.context)).run(feeds: ["x": x])
        OperatorHarness.expectClose(try b["y"]!.cpuData(), try a["y"]!.cpuData(), rtol: 1e-4, atol: 1e-5)
    }

    @Test func aConvWithTwoReadersIsLeftAlone() throws {
        var graph = try Self.model().graph
        graph.outputs.append(ValueInfo(name: "c", dataType: .float32, shape: nil))
        #expect(try ConvBatchNormFusion.run(graph).nodes.map(\.opType) == ["Conv", "BatchNormalization"])
    }
}
