import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct NormalizationOperatorTests {
    /// Input dims, axis, scale dims, bias dims (nil: no bias).
    static let layerCases: [([Int], Int, [Int], [Int]?)] = [
        ([2, 3, 8], -1, [8], [8]),
        ([2, 3, 8], 1, [3, 8], [3, 8]),
        ([2, 3, 8], 1, [8], nil),          // scale broadcast from the trailing axis
        ([2, 3, 8], 0, [1, 3, 8], [1]),
        ([4, 1], -1, [1], [1]),            // rows of length 1
        ([3, 50], 1, [50], [50]),          // 64-wide workgroups
        ([2, 10000], 1, [10000], [10000]), // long rows
        ([0, 8], 1, [8], [8]),
        ([7], 0, [7], nil),
    ]

    @Test(arguments: layerCases)
    func layerNormGPUMatchesCPU(dims: [Int], axis: Int, scaleDims: [Int], biasDims: [Int]?) throws {
        var random = TestRandom(seed: UInt64(dims.reduce(1, *) + axis + 17))
        // A large mean over a small spread: a one-pass sum of squares would lose the variance.
        let x = try TensorData(floats: random.floats(dims, -1...1).floats().map { $0 + 1000 }, dims: dims)
        let inputs = [x, random.floats(scaleDims, 0.5...2), biasDims.map { random.floats($0) }]
        let outcome = try OperatorHarness.check("LayerNormalization", attributes: ["axis": .int(axis), "epsilon": .float(1e-3)],
                                                inputs: inputs, opset: 17, rtol: 1e-3, atol: 2e-3)
        #expect(outcome.gpu != nil)
    }

    @Test func layerNormReferenceAndStatistics() throws {
        let x = try TensorData([1, 2, 3, 2, 2, 2] as [Float], dims: [2, 3])
        let scale = try TensorData([1, 1, 2] as [Float], dims: [3])
        let bias = try TensorData([0, 0, 1] as [Float], dims: [3])
        let node = Node(name: "ln", opType: "LayerNormalization", inputs: ["x", "s", "b"], outputs: ["y", "mean", "inv"],
                        attributes: ["epsilon": .float(0)])
        let op = try #require(OperatorRegistry.lookup("LayerNormalization", opset: 17)).make(node, 17)
        let specs = try op.outputSpecs([x, scale, bias].map { PlanInput(spec: TensorSpec($0.dataType, $0.dims)) })
        #expect(specs == [TensorSpec(.float32, [2, 3]), TensorSpec(.float32, [2, 1]), TensorSpec(.float32, [2, 1])])
        let out = try op.computeCPU([x, scale, bias], outputs: specs)
        let s = Float(1.5).squareRoot()   // 1 / std of [1, 2, 3]
        let expected: [Float] = [-s, 0, 2 * s + 1, .nan, .nan, .nan]
        for (value, want) in zip(out[0].floats().prefix(3), expected) { #expect(abs(value - want) < 1e-5) }
        // A constant row with epsilon 0 divides 0 by 0, as the formula says.
        #expect(out[0].floats().suffix(3).allSatisfy { $0.isNaN })
        #expect(out[1].floats() == [2, 2])
        #expect(abs(out[2].floats()[0] - s) < 1e-6)
        #expect(op.gpuUnsupportedReason([x, scale, bias].map { PlanInput(spec: TensorSpec($0.dataType, $0.dims)) }, outputs: specs,
                                        device: OperatorHarness.context.capabilities) == "Mean and InvStdDev outputs are computed on the CPU only")
    }

    @Test func layerNormScaleBroadcastWithinRowsRunsOnTheCPU() throws {
        var random = TestRandom(seed: 4)
        let outcome = try OperatorHarness.check("LayerNormalization", attributes: ["axis": .int(1)],
                                                inputs: [random.floats([2, 3, 4]), random.floats([3, 1]), nil], opset: 17, requireGPU: false)
        #expect(outcome.gpuReason == "Scale/B of shape [3, 1] broadcast within rows of [3, 4]")
        #expect(outcome.cpu[0].dims == [2, 3, 4])
    }

    @Test func layerNormErrors() throws {
        var random = TestRandom(seed: 8)
        let x = random.floats([2, 3])
        #expect(throws: OperatorError.invalid("Scale [2] does not broadcast to the normalised shape [3]")) {
            try OperatorHarness.check("LayerNormalization", inputs: [x, random.floats([2])], opset: 17)
        }
        #expect(throws: ModelError.self) {
            try OperatorHarness.check("LayerNormalization", attributes: ["stash_type": .int(11)], inputs: [x, random.floats([3])], opset: 17)
        }
        #expect(throws: OperatorError.missingInput(1)) {
            try OperatorHarness.check("LayerNormalization", inputs: [x, nil], opset: 17)
        }
        #expect(throws: OperatorError.invalid("axis 2 is out of range for rank 2")) {
            try OperatorHarness.check("LayerNormalization", attributes: ["axis": .int(2)], inputs: [x, random.floats([3])], opset: 17)
        }
    }

    static let instanceShapes: [[Int]] = [[2, 3, 4, 5], [1, 2, 5000], [2, 3, 1], [2, 3], [0, 3, 4], [1, 4, 7, 3, 2]]

    @Test(arguments: instanceShapes)
    func instanceNormGPUMatchesCPU(dims: [Int]) throws {
        var random = TestRandom(seed: UInt64(dims.reduce(1, *) + 3))
        let channels = [dims[1]]
        let outcome = try OperatorHarness.check("InstanceNormalization", attributes: ["epsilon": .float(1e-4)],
                                                inputs: [random.floats(dims, -3...5), random.floats(channels, 0.5...2), random.floats(channels)],
                                                opset: 6, rtol: 1e-3, atol: 2e-3)
        #expect(outcome.gpu != nil)
    }

    @Test func instanceNormReferenceAndErrors() throws {
        // Two channels of [0, 2] and [1, 3]: each normalises to [-1, 1], then scale and bias apply.
        let x = try TensorData([0, 2, 1, 3] as [Float], dims: [1, 2, 2])
        let scale = try TensorData([3, 5] as [Float], dims: [2])
        let bias = try TensorData([1, -1] as [Float], dims: [2])
        let outcome = try OperatorHarness.check("InstanceNormalization", attributes: ["epsilon": .float(0)], inputs: [x, scale, bias], opset: 6)
        #expect(outcome.cpu[0].floats() == [-2, 4, -6, 4])
        #expect(try #require(outcome.gpu)[0].floats() == [-2, 4, -6, 4])
        #expect(throws: OperatorError.invalid("scale has shape [3]; it must be [C] = [2] for input [1, 2, 2]")) {
            try OperatorHarness.check("InstanceNormalization", inputs: [x, try TensorData([1, 1, 1] as [Float], dims: [3]), bias], opset: 6)
        }
        #expect(throws: OperatorError.self) {
            try OperatorHarness.check("InstanceNormalization", inputs: [x, scale, nil], opset: 6)
        }
    }
}
