import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct GatherOperatorTests {
    typealias T = DataOperatorTesting

    static let cases: [(data: [Int], indices: [Int], axis: Int)] = [
        ([5], [], 0), ([5], [3], 0), ([4, 3], [2, 2], 0), ([4, 3], [7], 1), ([2, 3, 4], [5], -1), ([2, 3, 4], [0], 1),
        ([0, 3], [2], 1), ([6, 1, 2], [3, 1], -3), ([300, 7], [257], 0),
    ]

    static func indices(_ dims: [Int], axisSize: Int, int32: Bool, seed: UInt64) throws -> TensorData {
        var random = TestRandom(seed: seed)
        let values = axisSize == 0 ? T.int64s([], dims: dims) : random.int64s(dims, Int64(-axisSize)...Int64(axisSize - 1))
        return int32 ? try TensorData(values.int64s().map { Int32($0) }, dims: dims) : values
    }

    @Test(arguments: DataOperatorTesting.everyType, cases)
    func gatherGPUMatchesCPU(type: DataType, c: (data: [Int], indices: [Int], axis: Int)) throws {
        let data = T.random(type, c.data, seed: 21)
        let axisSize = c.data[c.axis < 0 ? c.axis + c.data.count : c.axis]
        for int32 in [false, true] {
            let indices = try Self.indices(c.indices, axisSize: axisSize, int32: int32, seed: UInt64(c.indices.reduce(1, *)))
            // Indices both as a run-time buffer and as plan-time constants.
            try OperatorHarness.check("Gather", attributes: ["axis": .int(c.axis)], inputs: [data, indices], opset: 13)
            try OperatorHarness.check("Gather", attributes: ["axis": .int(c.axis)], inputs: [data, indices], opset: 13, constantInputs: [1])
        }
    }

    @Test func gatherReferenceValues() throws {
        let data = T.floats([1, 2, 3, 4, 5, 6], dims: [3, 2])
        let rows = try OperatorHarness.check("Gather", inputs: [data, T.int64s([0, 1, 1, 2], dims: [2, 2])], opset: 13)
        #expect(rows.cpu[0].dims == [2, 2, 2])
        #expect(rows.cpu[0].floats() == [1, 2, 3, 4, 3, 4, 5, 6] as [Float])
        let columns = try OperatorHarness.check("Gather", attributes: ["axis": .int(1)], inputs: [data, try TensorData([Int32(-1)], dims: [])], opset: 13)
        #expect(columns.cpu[0].dims == [3])
        #expect(columns.gpu?[0].floats() == [2, 4, 6] as [Float])
    }

    @Test func outOfRangeIndicesKnownWhenPlanningNameTheIndexAndAxisSize() throws {
        let data = T.floats([1, 2, 3, 4, 5, 6], dims: [3, 2])
        let message = "Gather index 3 is out of range for axis 0 of size 3 (allowed -3...2)"
        #expect(T.errorMessage { try OperatorHarness.check("Gather", inputs: [data, T.int64s([0, 3])], opset: 13, constantInputs: [1]) } == message)
        // The CPU reference refuses them too when they only arrive at run time.
        let op = try T.make("Gather", inputCount: 2, opset: 13)
        #expect(T.errorMessage { _ = try op.computeCPU([data, T.int64s([0, 3])], outputs: [TensorSpec(.float32, [2, 2])]) } == message)
        #expect(T.errorMessage { try OperatorHarness.check("Gather", attributes: ["axis": .int(1)], inputs: [data, T.int64s([-3])], opset: 13, constantInputs: [1]) }
                == "Gather index -3 is out of range for axis 1 of size 2 (allowed -2...1)")
        #expect(T.errorMessage { try OperatorHarness.check("Gather", attributes: ["axis": .int(2)], inputs: [data, T.int64s([0])], opset: 13) }
                == "axis 2 is out of range for rank 2")
        #expect(T.errorMessage { try OperatorHarness.check("Gather", inputs: [data, T.floats([0])], opset: 13) }
                == "Gather indices must be int32 or int64, not float32")
    }

    /// Indices that arrive at run time are clamped by the shader (it must never read out of bounds),
    /// including int64 values whose high word is set.
    @Test func runTimeOutOfRangeIndicesAreClampedOnTheGPU() throws {
        let data = T.floats([10, 11, 20, 21, 30, 31], dims: [3, 2])
        let op = try T.make("Gather", inputCount: 2, opset: 13)
        let wide = try TensorData([Int64(5), -7, 1 << 40, -(1 << 40), 1, -1, Int64.max, Int64.min], dims: [8])
        let narrow = try TensorData([Int32(100), -100, Int32.max, Int32.min, 0], dims: [5])
        for (indices, rows) in [(wide, [2, 0, 2, 0, 1, 2, 2, 0]), (narrow, [2, 0, 2, 0, 0])] {
            let specs = try op.outputSpecs([PlanInput(spec: TensorSpec(.float32, [3, 2])), PlanInput(spec: TensorSpec(indices.dataType, indices.dims))])
            let gpu = try OperatorHarness.runGPU(op, inputs: [data, indices], specs: specs, constants: [nil, nil])
            let expected: [Float] = rows.flatMap { (row: Int) -> [Float] in
                let base = Float(10 * (row + 1))
                return [base, base + 1]
            }
            #expect(gpu[0].floats() == expected)
        }
    }
}
