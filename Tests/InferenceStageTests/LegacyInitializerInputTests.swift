import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// IR version < 4 models (onnx's light model zoo) list every initializer as a graph input; there
/// the listing is not an overridable default, so the weights are constants for the passes.
@Suite struct LegacyInitializerInputTests {
    /// y = Relu(x + ConstantOfShape(shape)) with `shape` an initializer that is also an input.
    static func model(irVersion: Int) throws -> OnnxModel {
        let shape = try TensorData([Int64(2)], dims: [1])
        let graph = Graph(
            name: "legacy",
            nodes: [
                Node(name: "fill", opType: "ConstantOfShape", inputs: ["shape"], outputs: ["c"],
                     attributes: ["value": .tensor(try TensorData([Float(1.5)], dims: [1]))]),
                Node(name: "add", opType: "Add", inputs: ["x", "c"], outputs: ["y"]),
            ],
            inputs: [ValueInfo(name: "x", dataType: .float32, shape: [.fixed(2)]),
                     ValueInfo(name: "shape", dataType: .int64, shape: [.fixed(1)])],
            outputs: [ValueInfo(name: "y", dataType: .float32, shape: [.fixed(2)])],
            initializers: ["shape": shape], valueInfo: [:])
        return OnnxModel(irVersion: irVersion, producerName: "test", producerVersion: "1", opsetImports: ["": 9], graph: graph)
    }

    @Test func ir3InitializersListedAsInputsAreConstants() async throws {
        let session = try InferenceSession(model: try Self.model(irVersion: 3), options: SessionOptions(executionProviders: [.cpu]))
        // ConstantOfShape folded when the session was made: only the Add is left.
        #expect(session.model.graph.nodes.map(\.name) == ["add"])
        #expect(session.model.graph.inputs.map(\.name) == ["x"])
        let y = try await session.run(feeds: ["x": Tensor(try TensorData([Float(1), -4], dims: [2]))])["y"]
        #expect(try #require(y).cpuData().floats() == [2.5, -2.5])
        await #expect(throws: InferenceError.self) {
            _ = try await session.run(feeds: ["x": Tensor(try TensorData([Float(1), 2], dims: [2])),
                                              "shape": Tensor(try TensorData([Int64(2)], dims: [1]))])
        }
    }

    @Test func ir4InitializersListedAsInputsStayOverridable() async throws {
        let session = try InferenceSession(model: try Self.model(irVersion: 4), options: SessionOptions(executionProviders: [.cpu]))
        #expect(session.model.graph.nodes.map(\.name) == ["fill", "add"])
        #expect(session.model.graph.inputs.map(\.name) == ["x", "shape"])
        // Not fed: the initializer is the default value.
        let y = try await session.run(feeds: ["x": Tensor(try TensorData([Float(1), 2], dims: [2]))])["y"]
        #expect(try #require(y).cpuData().floats() == [2.5, 3.5])
    }
}
