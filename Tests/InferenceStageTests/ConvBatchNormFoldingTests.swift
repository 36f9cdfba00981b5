import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct ConvBatchNormFoldingTests {
    @Test(arguments: [true, false])
    func foldedConvMatchesConvThenBatchNorm(withBias: Bool) throws {
        var random = TestRandom(seed: withBias ? 1 : 2)
        let x = random.floats([2, 3, 6, 5]), w = random.floats([4, 3, 3, 3], -1...1)
        let bias: TensorData? = withBias ? random.floats([4]) : nil
        let scale = random.floats([4], 0.5...2), offset = random.floats([4]), mean = random.floats([4]), variance = random.floats([4], 0.1...2)
        let attributes: [String: Attribute] = ["pads": .ints([1, 1, 1, 1])]
        let conv = try OperatorHarness.check("Conv", attributes: attributes, inputs: [x, w, bias]).cpu[0]
        let normalised = try OperatorHarness.check("BatchNormalization", attributes: ["epsilon": .float(1e-3)],
                                                   inputs: [conv, scale, offset, mean, variance], opset: 15).cpu[0]
        let folded = try ConvBatchNormFolding.fold(weight: w, bias: bias, scale: scale, offset: offset, mean: mean, variance: variance, epsilon: 1e-3)
        let fused = try OperatorHarness.check("Conv", attributes: attributes, inputs: [x, folded.weight, folded.bias])
        OperatorHarness.expectClose(fused.cpu[0], normalised, rtol: 1e-4, atol: 1e-4, what: "folded Conv vs Conv then BatchNormalization")
    }

    @Test func handComputedValues() throws {
        // s = 2 / sqrt(3 + 1) = 1: W unchanged, B' = (1 − 4) · 1 + 0.5.
        let w = try TensorData([Float(1), 2], dims: [1, 2, 1, 1])
        let one = { (v: Float) in try TensorData([v], dims: [1]) }
        let folded = try ConvBatchNormFolding.fold(weight: w, bias: one(1), scale: one(2), offset: one(0.5), mean: one(4), variance: one(3), epsilon: 1)
        #expect(folded.weight.floats() == [1, 2])
        #expect(folded.bias.floats() == [-2.5])
    }

    @Test func mismatchedChannelsAreAnError() throws {
        let w = try TensorData([Float](repeating: 1, count: 6), dims: [3, 2, 1, 1])
        let two = try TensorData([Float(1), 1], dims: [2])
        #expect(throws: OperatorError.invalid("cannot fold BatchNormalization: scale is float32 [2] but the Conv has 3 output channels")) {
            _ = try ConvBatchNormFolding.fold(weight: w, bias: nil, scale: two, offset: two, mean: two, variance: two, epsilon: 1e-5)
        }
    }
}
