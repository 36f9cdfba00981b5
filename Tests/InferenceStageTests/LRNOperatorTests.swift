import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct LRNOperatorTests {
    @Test(arguments: [1, 2, 3, 5], [[1, 1, 1, 1], [2, 7, 5, 3], [1, 16, 9], [3, 4], [0, 3, 2, 2]])
    func gpuMatchesCPU(size: Int, dims: [Int]) throws {
        var random = TestRandom(seed: UInt64(size * 100 + dims.count))
        try OperatorHarness.check("LRN", attributes: ["size": .int(size), "alpha": .float(0.02), "beta": .float(0.6), "bias": .float(1.5)],
                                  inputs: [random.floats(dims)], opset: 13)
    }

    @Test func referenceValues() throws {
        // Channels [1, 2, 3], size 2: channel c sums c and c + 1 (⌊1/2⌋ = 0 below, ⌈1/2⌉ = 1 above).
        let x = try TensorData([1, 2, 3] as [Float], dims: [1, 3, 1])
        let outcome = try OperatorHarness.check("LRN", attributes: ["size": .int(2), "alpha": .float(2), "beta": .float(1), "bias": .float(1)],
                                                inputs: [x], opset: 13)
        // y = x / (1 + (2/2)·Σx²): 1/(1+5), 2/(1+13), 3/(1+9).
        let expected: [Float] = [1.0 / 6, 2.0 / 14, 3.0 / 10]
        for (got, want) in zip(try #require(outcome.gpu?[0].floats()), expected) { #expect(abs(got - want) < 1e-6) }
        #expect(outcome.cpu[0].floats() == expected)
    }

    @Test func errors() throws {
        var random = TestRandom(seed: 1)
        #expect(throws: ModelError.self) { try OperatorHarness.check("LRN", inputs: [random.floats([1, 3, 2])], opset: 13) }
        #expect(throws: ModelError.self) { try OperatorHarness.check("LRN", attributes: ["size": .int(0)], inputs: [random.floats([1, 3, 2])], opset: 13) }
        #expect(throws: OperatorError.self) { try OperatorHarness.check("LRN", attributes: ["size": .int(3)], inputs: [random.floats([3])], opset: 13) }
    }
}
