import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// Where, Not and Trilu.
@Suite struct SelectionOperatorTests {
    typealias T = DataOperatorTesting

    static let whereShapes: [([Int], [Int], [Int])] = [
        ([3, 4], [3, 4], [3, 4]), ([4], [3, 1], [1]), ([], [2, 3], []), ([2, 1, 5], [1, 3, 1], [5]), ([0, 2], [2], [1]), ([1], [1], [1]),
    ]

    @Test(arguments: DataOperatorTesting.everyType, whereShapes)
    func whereGPUMatchesCPU(type: DataType, shapes: ([Int], [Int], [Int])) throws {
        let c = T.random(.bool, shapes.0, seed: 1), x = T.random(type, shapes.1, seed: 2), y = T.random(type, shapes.2, seed: 3)
        try OperatorHarness.check("Where", inputs: [c, x, y], opset: 16)
    }

    @Test func whereReferenceValuesAndErrors() throws {
        let c = try TensorData(dataType: .bool, dims: [2, 2], bytes: [1, 0, 1, 1])
        let x = T.floats([1, 2, 3, 4], dims: [2, 2]), y = T.floats([9], dims: [])
        let out = try OperatorHarness.check("Where", inputs: [c, x, y], opset: 16)
        #expect(out.cpu[0].floats() == [1, 9, 3, 4] as [Float])
        #expect(out.gpu?[0].floats() == [1, 9, 3, 4] as [Float])
        #expect(T.errorMessage { try OperatorHarness.check("Where", inputs: [x, x, y], opset: 16) } == "Where's condition must be bool, not float32")
        #expect(T.errorMessage { try OperatorHarness.check("Where", inputs: [c, x, T.floats([1, 2, 3])], opset: 16) }
                == "Where's shapes [2, 2], [2, 2] and [3] cannot be broadcast together")
    }

    @Test(arguments: [[], [0], [1], [7], [3, 300]] as [[Int]])
    func notGPUMatchesCPU(dims: [Int]) throws {
        try OperatorHarness.check("Not", inputs: [T.random(.bool, dims, seed: 4)])
    }

    @Test func notReferenceValues() throws {
        let x = try TensorData(dataType: .bool, dims: [3], bytes: [1, 0, 1])
        #expect(try OperatorHarness.check("Not", inputs: [x]).gpu?[0].bytes == [0, 1, 0])
        #expect(T.errorMessage { try OperatorHarness.check("Not", inputs: [T.floats([1])]) } == "input 0 has unsupported element type float32")
    }

    static let triluCases: [([Int], Int?, Bool)] = [
        ([3, 4], nil, true), ([3, 4], nil, false), ([4, 3], 1, true), ([4, 3], -1, false), ([2, 5, 5], 2, false), ([2, 0, 3], 0, true),
        ([1, 5], -7, true), ([5, 1], 1 << 40, false), ([3, 3], -(1 << 40), true),
    ]

    @Test(arguments: DataOperatorTesting.everyType, triluCases)
    func triluGPUMatchesCPU(type: DataType, c: ([Int], Int?, Bool)) throws {
        let inputs: [TensorData?] = [T.random(type, c.0, seed: 6), c.1.map { T.int64s([$0], dims: []) }]
        try OperatorHarness.check("Trilu", attributes: ["upper": .int(c.2 ? 1 : 0)], inputs: inputs, opset: 14)
    }

    @Test func triluReferenceValuesAndErrors() throws {
        let x = T.floats((1...9).map(Float.init), dims: [3, 3])
        let upper = try OperatorHarness.check("Trilu", inputs: [x], opset: 14)
        #expect(upper.cpu[0].floats() == [1, 2, 3, 0, 5, 6, 0, 0, 9] as [Float])
        let lower = try OperatorHarness.check("Trilu", attributes: ["upper": .int(0)], inputs: [x, T.int64s([-1], dims: [])], opset: 14)
        #expect(lower.gpu?[0].floats() == [0, 0, 0, 4, 0, 0, 7, 8, 0] as [Float])
        #expect(T.errorMessage { try OperatorHarness.check("Trilu", inputs: [T.floats([1, 2])], opset: 14) } == "Trilu needs rank 2 or more, not [2]")
    }
}
