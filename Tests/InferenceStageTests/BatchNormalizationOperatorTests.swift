import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct BatchNormalizationOperatorTests {
    static func inputs(_ dims: [Int], parameters: [Int], seed: UInt64) -> [TensorData?] {
        var random = TestRandom(seed: seed)
        return [random.floats(dims), random.floats(parameters, 0.5...2), random.floats(parameters),
                random.floats(parameters, -1...1), random.floats(parameters, 0...3)]
    }

    @Test(arguments: [[2, 3, 4, 5], [1, 1], [3, 7], [0, 3, 2], [2, 5, 3, 3, 3], [1, 17, 33, 9]])
    func gpuMatchesCPU(dims: [Int]) throws {
        let outcome = try OperatorHarness.check("BatchNormalization", attributes: ["epsilon": .float(1e-3)],
                                                inputs: Self.inputs(dims, parameters: [dims[1]], seed: UInt64(dims.count)), opset: 15)
        #expect(outcome.gpu != nil)
    }

    @Test func perPositionParametersInOpset7() throws {
        // spatial = 0: one parameter set per channel and position.
        let outcome = try OperatorHarness.check("BatchNormalization", attributes: ["spatial": .int(0)],
                                                inputs: Self.inputs([2, 3, 4], parameters: [3, 4], seed: 1), opset: 7)
        #expect(outcome.gpu != nil)
        let x = try TensorData([1, 2, 3, 4] as [Float], dims: [2, 2])
        let one = try TensorData([Float(1), 1], dims: [2]), zero = try TensorData([Float(0), 0], dims: [2])
        let mean = try TensorData([Float(1), 10], dims: [2]), variance = try TensorData([Float(3), 0], dims: [2])
        let values = try OperatorHarness.check("BatchNormalization", attributes: ["spatial": .int(0), "epsilon": .float(1)],
                                               inputs: [x, one, zero, mean, variance], opset: 7).cpu[0].floats()
        #expect(values == [0, -8, 1, -6])
    }

    @Test func handComputedValues() throws {
        // (x − mean) / sqrt(var + eps) · scale + b with channel 0 (mean 1, var 3, scale 2, b 1) and
        // channel 1 (mean 0, var 0, scale 1, b −1), epsilon 1.
        let x = try TensorData([1, 3, 5, -2, 0, 2] as [Float], dims: [1, 2, 3])
        let scale = try TensorData([Float(2), 1], dims: [2]), b = try TensorData([Float(1), -1], dims: [2])
        let mean = try TensorData([Float(1), 0], dims: [2]), variance = try TensorData([Float(3), 0], dims: [2])
        let outcome = try OperatorHarness.check("BatchNormalization", attributes: ["epsilon": .float(1)], inputs: [x, scale, b, mean, variance], opset: 9)
        #expect(outcome.cpu[0].floats() == [1, 3, 5, -3, -1, 1])
        #expect(outcome.gpu?[0].floats() == [1, 3, 5, -3, -1, 1])
    }

    @Test func trainingIsRefused() throws {
        let registration = try #require(OperatorRegistry.lookup("BatchNormalization", opset: 15))
        let training = Node(name: "bn", opType: "BatchNormalization", inputs: ["x", "s", "b", "m", "v"], outputs: ["y", "rm", "rv"],
                            attributes: ["training_mode": .int(1)])
        #expect(throws: ModelError.unsupportedAttribute(node: "node 'bn' (BatchNormalization)", attribute: "training_mode",
                                                        reason: "training_mode = 1: only inference is supported (Y from the running mean and variance); export the model in eval mode")) {
            _ = try registration.make(training, 15)
        }
        let old = try #require(OperatorRegistry.lookup("BatchNormalization", opset: 9))
        let withStatistics = Node(name: "bn", opType: "BatchNormalization", inputs: ["x", "s", "b", "m", "v"], outputs: ["y", "", "var"])
        #expect(throws: ModelError.unsupportedAttribute(node: "node 'bn' (BatchNormalization)", attribute: "outputs",
                                                        reason: "training outputs [\"var\"]: only inference is supported (Y from the running mean and variance); export the model in eval mode")) {
            _ = try old.make(withStatistics, 9)
        }
    }

    @Test func parameterShapeErrors() throws {
        var inputs = Self.inputs([2, 3, 4], parameters: [3], seed: 2)
        inputs[3] = try TensorData([Float(0), 0], dims: [2])
        #expect(throws: OperatorError.invalid("input_mean is float32 [2] but X [2, 3, 4] needs [3]")) {
            try OperatorHarness.check("BatchNormalization", inputs: inputs, opset: 15)
        }
        inputs[3] = nil
        #expect(throws: OperatorError.missingInput(3)) {
            try OperatorHarness.check("BatchNormalization", inputs: inputs, opset: 15)
        }
    }
}
