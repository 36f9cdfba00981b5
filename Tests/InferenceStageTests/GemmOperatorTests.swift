import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct GemmOperatorTests {
    struct Case: Sendable, CustomStringConvertible {
        var a: [Int], b: [Int], c: [Int]?
        var transA = 0, transB = 0
        var alpha: Float = 1, beta: Float = 1
        var description: String { "A\(a)\(transA == 1 ? "ᵀ" : "") B\(b)\(transB == 1 ? "ᵀ" : "") C\(c.map { "\($0)" } ?? "-")" }
    }

    static let cases: [Case] = [
        Case(a: [3, 5], b: [5, 4], c: nil),
        Case(a: [5, 3], b: [5, 4], c: [4], transA: 1),
        Case(a: [3, 5], b: [4, 5], c: [3, 1], transB: 1, alpha: 0.5, beta: 2),
        Case(a: [70, 65], b: [33, 70], c: [65, 33], transA: 1, transB: 1, alpha: -1.5, beta: 0.25),
        Case(a: [1, 300], b: [129, 300], c: [129], transB: 1),
        Case(a: [1, 77], b: [77, 129], c: [], alpha: 2),
        Case(a: [300, 1], b: [300, 17], c: [1], transA: 1),
        Case(a: [0, 3], b: [3, 4], c: [4]),
        Case(a: [40, 70], b: [1, 40], c: [70, 1], transA: 1, transB: 1, alpha: 0.5, beta: -1),
        Case(a: [2, 0], b: [0, 4], c: [2, 4], beta: 3),
        Case(a: [257, 300], b: [300, 129], c: [1, 129]),
    ]

    @Test(arguments: cases)
    func gpuMatchesCPU(test: Case) throws {
        var random = TestRandom(seed: UInt64(test.a.reduce(1, *) + test.b.reduce(1, *)))
        let attributes: [String: Attribute] = ["transA": .int(test.transA), "transB": .int(test.transB), "alpha": .float(test.alpha), "beta": .float(test.beta)]
        let inputs = [random.floats(test.a), random.floats(test.b), test.c.map { random.floats($0) }]
        try OperatorHarness.check("Gemm", attributes: attributes, inputs: inputs, opset: 13, rtol: 1e-4, atol: 1e-3)
    }

    @Test func referenceValues() throws {
        // Aᵀ = [[1, 2], [3, 4]], B = I·2, C = [10, 20] over rows: 0.5·Aᵀ·B + 2·C.
        let a = try TensorData([1, 3, 2, 4] as [Float], dims: [2, 2])
        let b = try TensorData([2, 0, 0, 2] as [Float], dims: [2, 2])
        let c = try TensorData([10, 20] as [Float], dims: [2])
        let outcome = try OperatorHarness.check("Gemm", attributes: ["transA": .int(1), "alpha": .float(0.5), "beta": .float(2)], inputs: [a, b, c], opset: 13)
        #expect(outcome.cpu[0].floats() == [21, 42, 23, 44])
        #expect(outcome.gpu?[0].floats() == [21, 42, 23, 44])
        let ints = try OperatorHarness.check("Gemm", inputs: [try TensorData([Int32(1), 2], dims: [1, 2]), try TensorData([Int32(3), 4], dims: [2, 1]),
                                                              try TensorData([Int32(-1)], dims: [1])], opset: 13, requireGPU: false)
        #expect(ints.cpu[0].int64s() == [10])
    }

    @Test func errorsNameTheShapes() throws {
        var random = TestRandom(seed: 5)
        #expect(throws: OperatorError.invalid("Gemm inner dimensions differ: A [2, 3] has 3 columns but B [4, 5] has 4 rows")) {
            try OperatorHarness.check("Gemm", inputs: [random.floats([2, 3]), random.floats([4, 5])], opset: 13)
        }
        #expect(throws: OperatorError.invalid("Gemm C [3] cannot be broadcast to the output [2, 5] (A [2, 4], B [4, 5])")) {
            try OperatorHarness.check("Gemm", inputs: [random.floats([2, 4]), random.floats([4, 5]), random.floats([3])], opset: 13)
        }
        #expect(throws: OperatorError.invalid("Gemm needs 2-D A and B, got A [2, 3, 4] and B [4, 5]")) {
            try OperatorHarness.check("Gemm", inputs: [random.floats([2, 3, 4]), random.floats([4, 5])], opset: 13)
        }
        #expect(throws: ModelError.self) {
            try OperatorHarness.check("Gemm", attributes: ["transA": .int(2)], inputs: [random.floats([2, 2]), random.floats([2, 2])], opset: 13)
        }
    }
}
