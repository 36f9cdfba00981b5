import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct ElementwiseOperatorTests {
    static let unaryNames = UnaryOperator.kinds.map(\.opType).filter { $0 != "Gelu" }

    @Test(arguments: unaryNames, [[0], [1], [7], [3, 5, 17], [2, 3, 4, 5]])
    func unaryGPUMatchesCPU(opType: String, dims: [Int]) throws {
        var random = TestRandom(seed: UInt64(dims.reduce(1, *)))
        // Log and Sqrt of negatives are NaN on both sides; keep inputs positive for them.
        let range: ClosedRange<Float> = ["Log", "Sqrt"].contains(opType) ? 0.01...4 : -4...4
        try OperatorHarness.check(opType, inputs: [random.floats(dims, range)], rtol: 1e-4, atol: 1e-5)
    }

    @Test func unaryReferenceValues() throws {
        let x = try TensorData([-2, -0.5, 0, 0.5, 3] as [Float], dims: [5])
        #expect(try OperatorHarness.check("Relu", inputs: [x]).cpu[0].floats() == [0, 0, 0, 0.5, 3])
        #expect(try OperatorHarness.check("LeakyRelu", attributes: ["alpha": .float(0.1)], inputs: [x]).cpu[0].floats() == [-0.2, -0.05, 0, 0.5, 3])
        #expect(try OperatorHarness.check("HardSwish", inputs: [x]).cpu[0].floats().map { ($0 * 1e4).rounded() / 1e4 } == [-0.3333, -0.2083, 0, 0.2917, 3])
        // Clip: attributes before opset 11, inputs after.
        #expect(try OperatorHarness.check("Clip", attributes: ["min": .float(-1), "max": .float(1)], inputs: [x], opset: 6 + 1).cpu[0].floats() == [-1, -0.5, 0, 0.5, 1])
        let bounds = try OperatorHarness.check("Clip", inputs: [x, try TensorData([Float(0)], dims: []), try TensorData([Float(6)], dims: [])], opset: 13)
        #expect(bounds.cpu[0].floats() == [0, 0, 0, 0.5, 3])
        let noMax = try OperatorHarness.check("Clip", inputs: [x, try TensorData([Float(-1)], dims: []), nil], opset: 13)
        #expect(noMax.cpu[0].floats() == [-1, -0.5, 0, 0.5, 3])
    }

    @Test(arguments: ["none", "tanh"])
    func geluBothForms(approximate: String) throws {
        var random = TestRandom(seed: 7)
        let outcome = try OperatorHarness.check("Gelu", attributes: ["approximate": .string(approximate)],
                                                inputs: [random.floats([4, 33], -5...5)], opset: 20, rtol: 1e-4, atol: 1e-5)
        let x = try TensorData([Float(1)], dims: [1])
        let one = try OperatorHarness.check("Gelu", attributes: ["approximate": .string(approximate)], inputs: [x], opset: 20).cpu[0].floats()[0]
        #expect(abs(one - (approximate == "none" ? 0.841345 : 0.841192)) < 1e-5)
        #expect(outcome.gpu != nil)
    }

    @Test(arguments: BinaryOperator.kinds.map(\.opType), [([3, 4], [3, 4]), ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([1], [5, 1, 1]), ([], [2, 2]), ([0, 3], [3])])
    func binaryGPUMatchesCPUWithBroadcasting(opType: String, shapes: ([Int], [Int])) throws {
        var random = TestRandom(seed: UInt64(opType.count * 31 + shapes.0.count))
        // Pow needs positive bases for non-integral exponents.
        let range: ClosedRange<Float> = opType == "Pow" ? 0.1...3 : -3...3
        var a = random.floats(shapes.0, range), b = random.floats(shapes.1, range)
        if ["Equal", "LessOrEqual", "GreaterOrEqual"].contains(opType) {
            // Make some elements equal so equality is exercised.
            a = try TensorData(floats: a.floats().map { ($0 * 2).rounded() / 2 }, dims: a.dims)
            b = try TensorData(floats: b.floats().map { ($0 * 2).rounded() / 2 }, dims: b.dims)
        }
        try OperatorHarness.check(opType, inputs: [a, b], rtol: 1e-4, atol: 1e-5)
    }

    @Test func integerArithmeticOnTheCPU() throws {
        let a = try TensorData([Int64(7), -7, 9], dims: [3])
        let b = try TensorData([Int64(2)], dims: [1])
        #expect(try OperatorHarness.check("Div", inputs: [a, b], requireGPU: false).cpu[0].int64s() == [3, -3, 4])
        #expect(try OperatorHarness.check("Less", inputs: [a, b], requireGPU: false).cpu[0].int64s() == [0, 1, 0])
        #expect(throws: OperatorError.self) {
            try OperatorHarness.check("Div", inputs: [a, try TensorData([Int64(0)], dims: [1])], requireGPU: false)
        }
    }

    @Test func incompatibleShapesAreAClearError() throws {
        var random = TestRandom(seed: 1)
        #expect(throws: OperatorError.invalid("shapes [2, 3] and [4] cannot be broadcast together")) {
            try OperatorHarness.check("Add", inputs: [random.floats([2, 3]), random.floats([4])])
        }
    }

    /// ResNet-50 and ShuffleNet (onnx's light models, opset 9) add residuals with two-input Sum.
    @Test func twoInputSumAddsWithBroadcasting() throws {
        let a = try TensorData([1, 2, 3, 4, 5, 6] as [Float], dims: [2, 3])
        let b = try TensorData([10, 20, 30] as [Float], dims: [3])
        let outcome = try OperatorHarness.check("Sum", inputs: [a, b], opset: 9)
        #expect(outcome.cpu[0].floats() == [11, 22, 33, 14, 25, 36])
        #expect(try #require(outcome.gpu)[0].floats() == [11, 22, 33, 14, 25, 36])
        // Other input counts are refused with a message rather than mis-computed.
        #expect(throws: OperatorError.self) { try OperatorHarness.check("Sum", inputs: [a, a, a], opset: 9) }
    }
}

@Suite struct IntegerBinaryOperatorTests {
    static let comparisons = ["Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"]
    static let arithmetic = ["Add", "Sub", "Mul", "Max", "Min"]

    @Test(arguments: comparisons + arithmetic, [DataType.int64, .int32])
    func integerInputsRunOnTheGPUExactly(opType: String, type: DataType) throws {
        var random = TestRandom(seed: UInt64(opType.count))
        // Values beyond 2^31 (int64) and near the int32 limits make wrong widths show.
        let big: ClosedRange<Int64> = type == .int64 ? -5_000_000_000...5_000_000_000 : -2_000_000_000...2_000_000_000
        let a = try TensorData(int64s: random.int64s([3, 1, 5], big).int64s(), dims: [3, 1, 5], as: type)
        var bValues = random.int64s([4, 5], big).int64s()
        bValues[0] = a.int64s()[0]  // one equal pair
        let b = try TensorData(int64s: bValues, dims: [4, 5], as: type)
        let outcome = try OperatorHarness.check(opType, inputs: [a, b])
        #expect(outcome.gpu != nil)
    }

    @Test(arguments: ["And", "Or", "Xor", "Equal"])
    func boolLogicRunsOnTheGPU(opType: String) throws {
        let a = try TensorData(int64s: [0, 1, 1, 0, 1, 0], dims: [2, 3], as: .bool)
        let b = try TensorData(int64s: [1, 1, 0], dims: [3], as: .bool)
        let outcome = try OperatorHarness.check(opType, inputs: [a, b])
        #expect(outcome.gpu != nil)
    }

    @Test func integerDivisionStaysOnTheCPU() throws {
        let a = try TensorData([Int64(7)], dims: [1])
        #expect(try OperatorHarness.check("Div", inputs: [a, a], requireGPU: false).gpuReason == "Div on int64 runs on the CPU")
    }
}
