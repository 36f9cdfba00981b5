import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct ConvTransposeOperatorTests {
    /// ConvTranspose weights are [C, M/group, k…]: ConvCase's `w` is read that way here.
    static let cases: [ConvCase] = [
        ConvCase(name: "stride 1", x: [1, 2, 4, 5], w: [2, 3, 3, 3], bias: true),
        ConvCase(name: "stride 2, pads, batch 2", x: [2, 3, 5, 4], w: [3, 2, 3, 3], attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 0, 0, 1])]),
        ConvCase(name: "stride 2, output_padding", x: [1, 2, 4, 4], w: [2, 2, 3, 3],
                 attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1]), "output_padding": .ints([1, 0])], bias: true),
        ConvCase(name: "output_shape", x: [1, 1, 3, 3], w: [1, 2, 3, 3], attributes: ["strides": .ints([3, 2]), "output_shape": .ints([10, 8])]),
        ConvCase(name: "dilation 2, stride 3", x: [1, 2, 4, 3], w: [2, 1, 2, 3], attributes: ["strides": .ints([3, 1]), "dilations": .ints([2, 2])]),
        ConvCase(name: "stride 2, dilation 2 (every tap can land)", x: [1, 2, 5, 4], w: [2, 2, 3, 3],
                 attributes: ["strides": .ints([2, 2]), "dilations": .ints([2, 2]), "pads": .ints([2, 1, 0, 3])]),
        ConvCase(name: "stride 4, dilation 6, pads", x: [1, 1, 4, 5], w: [1, 2, 3, 4],
                 attributes: ["strides": .ints([4, 4]), "dilations": .ints([6, 3]), "pads": .ints([3, 1, 2, 5])]),
        ConvCase(name: "groups 2", x: [2, 4, 3, 3], w: [4, 3, 3, 3], attributes: ["group": .int(2), "strides": .ints([2, 2])], bias: true),
        ConvCase(name: "depthwise", x: [1, 3, 5, 5], w: [3, 1, 4, 4], attributes: ["group": .int(3), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]),
        ConvCase(name: "SAME_UPPER", x: [1, 2, 3, 4], w: [2, 2, 3, 3], attributes: ["auto_pad": .string("SAME_UPPER"), "strides": .ints([2, 2])]),
        ConvCase(name: "SAME_LOWER", x: [1, 2, 3, 4], w: [2, 2, 4, 3], attributes: ["auto_pad": .string("SAME_LOWER"), "strides": .ints([2, 2])]),
        ConvCase(name: "SAME_UPPER with stride above the kernel (negative pads)", x: [1, 1, 3, 3], w: [1, 1, 2, 2],
                 attributes: ["auto_pad": .string("SAME_UPPER"), "strides": .ints([4, 3])]),
        ConvCase(name: "1-D", x: [2, 3, 7], w: [3, 2, 4], attributes: ["strides": .ints([3]), "pads": .ints([1, 2])], bias: true),
        ConvCase(name: "1x1", x: [1, 8, 5, 6], w: [8, 5, 1, 1]),
        ConvCase(name: "larger", x: [1, 16, 12, 12], w: [16, 8, 4, 4], attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])], bias: true),
        ConvCase(name: "zero batch", x: [0, 2, 3, 3], w: [2, 2, 3, 3]),
    ]

    @Test(arguments: cases)
    func gpuMatchesCPU(_ conv: ConvCase) throws {
        var inputs = conv.inputs(seed: UInt64(conv.x.reduce(1, *) * 3 + conv.w.count))
        if conv.bias {
            var random = TestRandom(seed: 9)
            inputs[2] = random.floats([conv.w[1] * (conv.attributes["group"].flatMap { if case .int(let g) = $0 { g } else { nil } } ?? 1)])
        }
        let outcome = try OperatorHarness.check("ConvTranspose", attributes: conv.attributes, inputs: inputs, rtol: 1e-4, atol: 1e-4)
        #expect(outcome.gpu != nil)
    }

    @Test func handComputedValues() throws {
        // Stride 1, 2×2 kernel of ones: every input spreads over a 2×2 block of the 3×3 output.
        let x = try TensorData([1, 2, 3, 4] as [Float], dims: [1, 1, 2, 2])
        let ones = try TensorData([Float](repeating: 1, count: 4), dims: [1, 1, 2, 2])
        let plain = try OperatorHarness.check("ConvTranspose", inputs: [x, ones])
        #expect(plain.cpu[0].floats() == [1, 3, 2, 4, 10, 6, 3, 7, 4])
        #expect(plain.gpu?[0].floats() == [1, 3, 2, 4, 10, 6, 3, 7, 4])
        // Stride 2: blocks do not overlap; output_padding adds a row and column of bias only.
        let bias = try TensorData([Float(0.5)], dims: [1])
        let strided = try OperatorHarness.check("ConvTranspose", attributes: ["strides": .ints([2, 2]), "output_padding": .ints([1, 1])], inputs: [x, ones, bias])
        #expect(strided.cpu[0].dims == [1, 1, 5, 5])
        #expect(strided.cpu[0].floats() == [1.5, 1.5, 2.5, 2.5, 0.5,
                                            1.5, 1.5, 2.5, 2.5, 0.5,
                                            3.5, 3.5, 4.5, 4.5, 0.5,
                                            3.5, 3.5, 4.5, 4.5, 0.5,
                                            0.5, 0.5, 0.5, 0.5, 0.5])
    }

    @Test func outputShapeCropsAsTheSpecSays() throws {
        // Full output of a 2×2 input through a 2×2 kernel of ones is [[1,3,2],[4,10,6],[3,7,4]].
        // output_shape overrides the pads: a total padding of 1 goes at the beginning (not
        // SAME_UPPER), of 2 at both ends; SAME_UPPER puts the odd one at the end.
        let x = try TensorData([1, 2, 3, 4] as [Float], dims: [1, 1, 2, 2])
        let ones = try TensorData([Float](repeating: 1, count: 4), dims: [1, 1, 2, 2])
        func run(_ attributes: [String: Attribute]) throws -> [Float] {
            let outcome = try OperatorHarness.check("ConvTranspose", attributes: attributes, inputs: [x, ones])
            #expect(outcome.gpu?[0].floats() == outcome.cpu[0].floats())
            return outcome.cpu[0].floats()
        }
        #expect(try run(["output_shape": .ints([2, 2]), "pads": .ints([0, 0, 1, 1])]) == [10, 6, 7, 4])
        #expect(try run(["output_shape": .ints([1, 1])]) == [10])
        #expect(try run(["output_shape": .ints([2, 2]), "auto_pad": .string("SAME_UPPER")]) == [1, 3, 4, 10])
        // Larger than the input can reach: the extra row and column are zero.
        #expect(try run(["output_shape": .ints([1, 1, 4, 4])]) == [1, 3, 2, 0, 4, 10, 6, 0, 3, 7, 4, 0, 0, 0, 0, 0])
    }

    @Test func hugeStridesStayOffTheGPUAndOutOfRangeOnesAreRefused() throws {
        let node = Node(name: "t", opType: "ConvTranspose", inputs: ["x", "w"], outputs: ["y"], attributes: ["strides": .ints([1, 1 << 24])])
        let op = try ConvTransposeOperator(node: node)
        let inputs = [PlanInput(spec: TensorSpec(.float32, [1, 1, 1, 100])), PlanInput(spec: TensorSpec(.float32, [1, 1, 1, 1]))]
        let outputs = try op.outputSpecs(inputs)
        #expect(outputs[0].dims == [1, 1, 1, 99 * (1 << 24) + 1])
        #expect(op.gpuUnsupportedReason(inputs, outputs: outputs, device: OperatorHarness.context.capabilities)
                == "strides, dilations or pads too large for 32-bit index arithmetic")
        let tooLarge = Node(name: "t", opType: "ConvTranspose", inputs: ["x", "w"], outputs: ["y"], attributes: ["strides": .ints([1, 1 << 40])])
        #expect(throws: ModelError.invalidAttributeValue(node: "node 't' (ConvTranspose)", attribute: "strides",
                                                         reason: "values must be between 1 and 16777216, got [1, 1099511627776]")) {
            _ = try ConvTransposeOperator(node: tooLarge)
        }
    }

    @Test func shapeErrors() throws {
        var random = TestRandom(seed: 4)
        let x = random.floats([1, 4, 3, 3])
        #expect(throws: OperatorError.invalid("X has 4 channels but W [3, 2, 3, 3] starts with 3; ConvTranspose weights are [C, M/group, k…]")) {
            try OperatorHarness.check("ConvTranspose", inputs: [x, random.floats([3, 2, 3, 3])])
        }
        #expect(throws: OperatorError.invalid("group 3 does not divide the input channels 4 (X [1, 4, 3, 3])")) {
            try OperatorHarness.check("ConvTranspose", attributes: ["group": .int(3)], inputs: [x, random.floats([4, 1, 3, 3])])
        }
        #expect(throws: OperatorError.invalid("pads 4+4 on spatial axis 0 exceed the 5 output positions")) {
            try OperatorHarness.check("ConvTranspose", attributes: ["pads": .ints([4, 0, 4, 0])], inputs: [x, random.floats([4, 1, 3, 3])])
        }
    }
}
