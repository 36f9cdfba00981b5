import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct SoftmaxOperatorTests {
    static let shapes: [([Int], Int)] = [
        ([7], -1), ([3, 5], 1), ([2, 3, 4, 5], 1), ([2, 3, 4, 5], 0), ([2, 3, 4, 5], -2), ([2, 3, 1], 2), ([1, 1], 0),
        ([9, 50], 1), ([2, 10000], 1), ([5000, 3], 0), ([4100, 8], 1), ([40, 4100], 0), ([0, 3], 1), ([3, 0], 1),
    ]

    /// Opset 11 flattens at axis; opset 13 runs along one axis. Values up to ±80 overflow e^x in
    /// float32 unless the row's maximum is subtracted first.
    @Test(arguments: ["Softmax", "LogSoftmax"], shapes)
    func gpuMatchesCPU(opType: String, shape: ([Int], Int)) throws {
        var random = TestRandom(seed: UInt64(shape.0.reduce(3, +) + shape.1))
        let x = random.floats(shape.0, -80...80)
        for opset in [11, 13] {
            let outcome = try OperatorHarness.check(opType, attributes: ["axis": .int(shape.1)], inputs: [x], opset: opset, rtol: 1e-4, atol: 1e-5)
            #expect(outcome.gpu != nil)
            #expect(outcome.cpu[0].floats().allSatisfy { $0.isFinite })
        }
    }

    @Test func referenceValues() throws {
        let x = try TensorData([1, 2, 3] as [Float], dims: [1, 3])
        let softmax = try OperatorHarness.check("Softmax", inputs: [x], opset: 13)
        for (value, expected) in zip(try #require(softmax.gpu)[0].floats(), [0.09003057, 0.24472847, 0.66524096] as [Float]) {
            #expect(abs(value - expected) < 1e-6)
        }
        let logSoftmax = try OperatorHarness.check("LogSoftmax", inputs: [x], opset: 13)
        for (value, expected) in zip(try #require(logSoftmax.gpu)[0].floats(), [-2.40760596, -1.40760596, -0.40760596] as [Float]) {
            #expect(abs(value - expected) < 1e-5)
        }
    }

    /// The same tensor and axis mean different rows before and after opset 13.
    @Test func opset13ChangedTheAxisMeaning() throws {
        let x = try TensorData([0, 0, 0, 0, 0, 0, 0, 0] as [Float], dims: [2, 2, 2])
        let flattened = try OperatorHarness.check("Softmax", attributes: ["axis": .int(1)], inputs: [x], opset: 11)
        let single = try OperatorHarness.check("Softmax", attributes: ["axis": .int(1)], inputs: [x], opset: 13)
        #expect(flattened.cpu[0].floats() == [Float](repeating: 0.25, count: 8))
        #expect(single.cpu[0].floats() == [Float](repeating: 0.5, count: 8))
        // Default axis: 1 before 13 (flattened [2, 4] rows), -1 after.
        #expect(try OperatorHarness.check("Softmax", inputs: [x], opset: 11).cpu[0] == flattened.cpu[0])
        #expect(try OperatorHarness.check("Softmax", inputs: [x], opset: 13).cpu[0] == single.cpu[0])
    }

    @Test func errors() throws {
        #expect(throws: OperatorError.invalid("axis 2 is out of range for rank 2")) {
            try OperatorHarness.check("Softmax", attributes: ["axis": .int(2)], inputs: [try TensorData([Float](repeating: 0, count: 4), dims: [2, 2])])
        }
        #expect(throws: OperatorError.self) { try OperatorHarness.check("LogSoftmax", inputs: [try TensorData([Float(1)], dims: [])]) }
        #expect(throws: OperatorError.unsupportedType(input: 0, .int64)) {
            try OperatorHarness.check("Softmax", inputs: [try TensorData([Int64(1)], dims: [1])])
        }
    }

    @Test func halfOnTheCPU() throws {
        let x = try TensorData(floats: [0, 0], dims: [2], as: .float16)
        let outcome = try OperatorHarness.check("Softmax", inputs: [x], requireGPU: false)
        #expect(outcome.cpu[0].dataType == .float16 && outcome.cpu[0].floats() == [0.5, 0.5])
    }
}
