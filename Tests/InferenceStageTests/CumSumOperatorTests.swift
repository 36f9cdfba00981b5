import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct CumSumOperatorTests {
    typealias T = DataOperatorTesting

    static let cases: [([Int], Int)] = [([5], 0), ([3, 4], 1), ([3, 4], -2), ([2, 3, 4], 1), ([0, 3], 1), ([1], 0), ([4, 700], -1)]

    @Test(arguments: cases, [(false, false), (true, false), (false, true), (true, true)])
    func cumSumGPUMatchesCPU(c: ([Int], Int), flags: (Bool, Bool)) throws {
        let attributes: [String: Attribute] = ["exclusive": .int(flags.0 ? 1 : 0), "reverse": .int(flags.1 ? 1 : 0)]
        try OperatorHarness.check("CumSum", attributes: attributes, inputs: [T.random(.float32, c.0, seed: 5), T.int64s([c.1], dims: [])], opset: 14)
    }

    @Test func cumSumReferenceValues() throws {
        let x = T.floats([1, 2, 3, 4, 5])
        let axis = try TensorData([Int32(0)], dims: [])
        func run(_ exclusive: Int, _ reverse: Int) throws -> [Float] {
            try OperatorHarness.check("CumSum", attributes: ["exclusive": .int(exclusive), "reverse": .int(reverse)], inputs: [x, axis], opset: 14).gpu?[0].floats() ?? []
        }
        #expect(try run(0, 0) == [1, 3, 6, 10, 15] as [Float])
        #expect(try run(1, 0) == [0, 1, 3, 6, 10] as [Float])
        #expect(try run(0, 1) == [15, 14, 12, 9, 5] as [Float])
        #expect(try run(1, 1) == [14, 12, 9, 5, 0] as [Float])
        let ints = try TensorData([Int32(1), 2, 3, 4, 5, 6], dims: [2, 3])
        let columns = try OperatorHarness.check("CumSum", inputs: [ints, T.int64s([0], dims: [])], opset: 14, requireGPU: false)
        #expect(columns.cpu[0].int64s() == [1, 2, 3, 5, 7, 9])
        #expect(columns.cpu[0].dataType == .int32)
        #expect(T.errorMessage { try OperatorHarness.check("CumSum", inputs: [x, T.int64s([1], dims: [])], opset: 14) } == "axis 1 is out of range for rank 1")
    }
}
