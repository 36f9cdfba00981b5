import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct ArgReduceOperatorTests {
    static let shapes: [([Int], Int)] = [
        ([7], 0), ([3, 5], 1), ([3, 5], 0), ([2, 3, 4, 5], 2), ([2, 3, 4, 5], -4), ([3, 1, 4], 1),
        ([2, 10000], 1), ([5000, 3], 0), ([40, 4100], 0), ([4100, 8], 1), ([9, 50], 1),
    ]

    @Test(arguments: ["ArgMax", "ArgMin"], shapes)
    func gpuMatchesCPUWithTies(opType: String, shape: ([Int], Int)) throws {
        var random = TestRandom(seed: UInt64(shape.0.reduce(1, *) + shape.1 + 50))
        // Few distinct values, so rows have ties for both tie rules to choose between.
        let x = try TensorData(floats: random.floats(shape.0, 0...4).floats().map { $0.rounded(.down) }, dims: shape.0)
        for last in [0, 1] {
            for keep in [0, 1] {
                let outcome = try OperatorHarness.check(opType, attributes: ["axis": .int(shape.1), "keepdims": .int(keep), "select_last_index": .int(last)],
                                                        inputs: [x], opset: 13)
                #expect(outcome.cpu[0].dataType == .int64)
                #expect(outcome.gpu != nil)
            }
        }
    }

    @Test func referenceValues() throws {
        let x = try TensorData([2, 1, 3, 10, 3, 0] as [Float], dims: [2, 3])
        func run(_ op: String, axis: Int, keep: Int = 1, last: Int = 0) throws -> TensorData {
            try OperatorHarness.check(op, attributes: ["axis": .int(axis), "keepdims": .int(keep), "select_last_index": .int(last)], inputs: [x]).cpu[0]
        }
        #expect(try run("ArgMax", axis: 0) == TensorData([Int64(1), 1, 0], dims: [1, 3]))
        #expect(try run("ArgMax", axis: 1, keep: 0) == TensorData([Int64(2), 0], dims: [2]))
        #expect(try run("ArgMin", axis: -1, keep: 0) == TensorData([Int64(1), 2], dims: [2]))
        // Ties: the first index unless select_last_index asks for the last.
        let tie = try TensorData([3, 10, 3] as [Float], dims: [3])
        let first = try OperatorHarness.check("ArgMin", inputs: [tie]).cpu[0]
        let lastIndex = try OperatorHarness.check("ArgMin", attributes: ["select_last_index": .int(1)], inputs: [tie]).cpu[0]
        #expect(first.int64s() == [0])
        #expect(lastIndex.int64s() == [2])
        // Integer inputs on the CPU.
        let ints = try TensorData([Int64(-5), 9, 9, -7], dims: [4])
        let argmax = try OperatorHarness.check("ArgMax", attributes: ["keepdims": .int(0), "select_last_index": .int(1)], inputs: [ints], requireGPU: false)
        #expect(argmax.cpu[0] == (try TensorData([Int64(2)], dims: [])))
    }

    @Test func errors() throws {
        #expect(throws: OperatorError.invalid("ArgMax over axis 1 of [3, 0], which has no elements: there is no index to return")) {
            try OperatorHarness.check("ArgMax", attributes: ["axis": .int(1)], inputs: [try TensorData([Float](), dims: [3, 0])])
        }
        #expect(throws: OperatorError.invalid("axis 2 is out of range for rank 2")) {
            try OperatorHarness.check("ArgMin", attributes: ["axis": .int(2)], inputs: [try TensorData([Float](repeating: 0, count: 6), dims: [2, 3])])
        }
        #expect(throws: OperatorError.self) {
            try OperatorHarness.check("ArgMin", inputs: [try TensorData([Float(1)], dims: [])])
        }
        // Zero rows: nothing to index, the output is empty too.
        let none = try OperatorHarness.check("ArgMax", attributes: ["axis": .int(1)], inputs: [try TensorData([Float](), dims: [0, 3])])
        #expect(none.cpu[0].dims == [0, 1])
    }
}
