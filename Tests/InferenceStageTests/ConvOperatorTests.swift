import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// One convolution to run through the harness.
struct ConvCase: CustomTestStringConvertible, Sendable {
    let name: String
    let x: [Int]
    let w: [Int]
    var attributes: [String: Attribute] = [:]
    var bias = false

    var testDescription: String { name }

    func inputs(seed: UInt64) -> [TensorData?] {
        var random = TestRandom(seed: seed)
        let input = random.floats(x), weight = random.floats(w, -1...1)
        return bias ? [input, weight, random.floats([w[0]])] : [input, weight]
    }
}

@Suite struct ConvOperatorTests {
    static let cases: [ConvCase] = [
        ConvCase(name: "3x3 pad 1 with bias", x: [1, 3, 8, 8], w: [5, 3, 3, 3], attributes: ["pads": .ints([1, 1, 1, 1])], bias: true),
        ConvCase(name: "odd sizes, 17 channels (two channel tiles), batch 2", x: [2, 3, 7, 9], w: [17, 3, 3, 3]),
        ConvCase(name: "reduction not a multiple of the chunk", x: [1, 20, 6, 6], w: [7, 20, 3, 3], attributes: ["pads": .ints([1, 0, 1, 0])]),
        ConvCase(name: "stride 2, asymmetric pads", x: [1, 4, 11, 10], w: [6, 4, 3, 3],
                 attributes: ["strides": .ints([2, 2]), "pads": .ints([0, 1, 2, 1])], bias: true),
        ConvCase(name: "dilation 2", x: [1, 2, 12, 13], w: [3, 2, 3, 3], attributes: ["dilations": .ints([2, 2]), "pads": .ints([2, 2, 2, 2])]),
        ConvCase(name: "mixed strides and dilations", x: [1, 3, 13, 11], w: [4, 3, 2, 3],
                 attributes: ["strides": .ints([3, 1]), "dilations": .ints([1, 2]), "pads": .ints([1, 0, 0, 2])]),
        ConvCase(name: "groups 2, batch 2", x: [2, 6, 9, 7], w: [4, 3, 3, 3], attributes: ["group": .int(2)], bias: true),
        ConvCase(name: "groups 3, 3 output channels each", x: [1, 6, 5, 5], w: [9, 2, 3, 1], attributes: ["group": .int(3), "strides": .ints([1, 2])]),
        ConvCase(name: "depthwise with bias", x: [2, 8, 10, 11], w: [8, 1, 3, 3], attributes: ["group": .int(8), "pads": .ints([1, 1, 1, 1])], bias: true),
        ConvCase(name: "depthwise, channel multiplier 2, stride 2", x: [1, 4, 7, 7], w: [8, 1, 5, 5],
                 attributes: ["group": .int(4), "strides": .ints([2, 2]), "pads": .ints([2, 2, 2, 2])]),
        ConvCase(name: "depthwise, dilation 2, stride 2, asymmetric pads", x: [1, 5, 12, 9], w: [5, 1, 3, 3],
                 attributes: ["group": .int(5), "strides": .ints([2, 2]), "dilations": .ints([2, 2]), "pads": .ints([1, 0, 2, 3])]),
        ConvCase(name: "auto_pad SAME_UPPER, stride 2", x: [1, 3, 10, 9], w: [4, 3, 4, 3], attributes: ["auto_pad": .string("SAME_UPPER"), "strides": .ints([2, 2])]),
        ConvCase(name: "auto_pad SAME_LOWER, stride 2", x: [1, 3, 10, 9], w: [4, 3, 4, 3], attributes: ["auto_pad": .string("SAME_LOWER"), "strides": .ints([2, 2])]),
        ConvCase(name: "auto_pad VALID", x: [1, 3, 10, 9], w: [4, 3, 3, 3], attributes: ["auto_pad": .string("VALID"), "strides": .ints([2, 3])]),
        ConvCase(name: "1x1 with bias", x: [2, 32, 9, 9], w: [40, 32, 1, 1], bias: true),
        ConvCase(name: "kernel larger than the input, padded", x: [1, 2, 3, 3], w: [3, 2, 5, 5], attributes: ["pads": .ints([2, 2, 2, 2])]),
        ConvCase(name: "kernel_shape given", x: [1, 2, 6, 6], w: [2, 2, 3, 2], attributes: ["kernel_shape": .ints([3, 2])]),
        ConvCase(name: "1-D, stride 2, asymmetric pads", x: [2, 3, 17], w: [5, 3, 4], attributes: ["strides": .ints([2]), "pads": .ints([1, 2])], bias: true),
        ConvCase(name: "1-D depthwise, dilation 2", x: [1, 4, 13], w: [4, 1, 3], attributes: ["group": .int(4), "dilations": .ints([2])]),
        ConvCase(name: "1-D SAME_UPPER", x: [1, 2, 10], w: [3, 2, 4], attributes: ["auto_pad": .string("SAME_UPPER")]),
        ConvCase(name: "4 output channels (narrow tile), several pixel tiles", x: [1, 3, 9, 70], w: [4, 3, 3, 3], attributes: ["pads": .ints([1, 1, 1, 1])], bias: true),
        ConvCase(name: "grouped 1x1 with 2 channels per group", x: [1, 8, 5, 5], w: [8, 2, 1, 1], attributes: ["group": .int(4)]),
        ConvCase(name: "single pixel", x: [1, 1, 1, 1], w: [1, 1, 1, 1]),
        ConvCase(name: "zero batch", x: [0, 3, 5, 5], w: [2, 3, 3, 3]),
        ConvCase(name: "larger", x: [1, 16, 31, 33], w: [32, 16, 3, 3], attributes: ["pads": .ints([1, 1, 1, 1])], bias: true),
    ]

    @Test(arguments: cases)
    func gpuMatchesCPU(_ conv: ConvCase) throws {
        let outcome = try OperatorHarness.check("Conv", attributes: conv.attributes, inputs: conv.inputs(seed: UInt64(conv.x.reduce(1, *) + conv.w.count)),
                                                constantInputs: [1, 2], rtol: 1e-4, atol: 1e-4)
        #expect(outcome.gpu != nil)
    }

    @Test func handComputedValues() throws {
        // 3×3 input 0…8, 2×2 kernel of ones: each output is the sum of a 2×2 window.
        let x = try TensorData((0..<9).map(Float.init), dims: [1, 1, 3, 3])
        let ones = try TensorData([Float](repeating: 1, count: 4), dims: [1, 1, 2, 2])
        #expect(try OperatorHarness.check("Conv", inputs: [x, ones]).cpu[0].floats() == [8, 12, 20, 24])
        // Bias 0.5, stride 2 and pads 1 (end 0): windows over (pad,pad,pad,0), (pad,pad,1,2), ...
        let bias = try TensorData([Float(0.5)], dims: [1])
        let strided = try OperatorHarness.check("Conv", attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 1, 0, 0])], inputs: [x, ones, bias])
        #expect(strided.cpu[0].dims == [1, 1, 2, 2])
        #expect(strided.cpu[0].floats() == [0.5, 3.5, 9.5, 24.5])
        #expect(strided.gpu?[0].floats() == [0.5, 3.5, 9.5, 24.5])
        // Two groups of one channel each: channel 1's kernel doubles.
        let twoChannels = try TensorData([1, 2, 3, 4, 10, 20, 30, 40] as [Float], dims: [1, 2, 2, 2])
        let kernels = try TensorData([1, 0, 0, 1, 2, 2, 2, 2] as [Float], dims: [2, 1, 2, 2])
        #expect(try OperatorHarness.check("Conv", attributes: ["group": .int(2)], inputs: [twoChannels, kernels]).cpu[0].floats() == [5, 200])
    }

    @Test func threeDimensionalRunsOnTheCPUAndAgreesWith2D() throws {
        var random = TestRandom(seed: 3)
        let x2 = random.floats([1, 2, 5, 6]), w2 = random.floats([3, 2, 3, 3])
        let x3 = try x2.reshaped([1, 2, 1, 5, 6]), w3 = try w2.reshaped([3, 2, 1, 3, 3])
        let attributes2: [String: Attribute] = ["pads": .ints([1, 0, 1, 2])]
        let attributes3: [String: Attribute] = ["pads": .ints([0, 1, 0, 0, 1, 2])]
        let two = try OperatorHarness.check("Conv", attributes: attributes2, inputs: [x2, w2])
        let three = try OperatorHarness.check("Conv", attributes: attributes3, inputs: [x3, w3], requireGPU: false)
        #expect(three.gpu == nil)
        #expect(three.gpuReason == "3-D convolution runs on the CPU")
        #expect(three.cpu[0].dims == [1, 3, 1, 5, 6])
        #expect(three.cpu[0].floats() == two.cpu[0].floats())
    }

    @Test func float16RunsOnTheCPU() throws {
        let x = try TensorData((0..<9).map { Float16(Float($0)) }, dims: [1, 1, 3, 3])
        let w = try TensorData([Float16](repeating: 1, count: 4), dims: [1, 1, 2, 2])
        let outcome = try OperatorHarness.check("Conv", inputs: [x, w], requireGPU: false)
        #expect(outcome.cpu[0].dataType == .float16)
        #expect(outcome.cpu[0].floats() == [8, 12, 20, 24])
        #expect(outcome.gpu == nil)
    }

    @Test func gpuDeclinesTensorsBeyondTheStorageBufferRange() throws {
        var device = OperatorHarness.context.capabilities
        device.maxStorageBufferRange = 1024
        let node = Node(name: "c", opType: "Conv", inputs: ["x", "w"], outputs: ["y"])
        let op = try ConvOperator(node: node, fused: false)
        let small = [PlanInput(spec: TensorSpec(.float32, [1, 1, 16, 16])), PlanInput(spec: TensorSpec(.float32, [1, 1, 1, 1]))]
        #expect(op.gpuUnsupportedReason(small, outputs: try op.outputSpecs(small), device: device) == nil)
        let large = [PlanInput(spec: TensorSpec(.float32, [1, 1, 16, 17])), PlanInput(spec: TensorSpec(.float32, [1, 1, 1, 1]))]
        #expect(op.gpuUnsupportedReason(large, outputs: try op.outputSpecs(large), device: device)
                == "float32 [1, 1, 16, 17] is 1088 bytes, above the device's storage-buffer range of 1024")
    }

    @Test func shapeErrorsNameTheShapes() throws {
        var random = TestRandom(seed: 5)
        let x = random.floats([1, 4, 5, 5])
        #expect(throws: OperatorError.invalid("X has 4 channels but W [2, 3, 3, 3] expects 3 per group × 1 group(s) = 3")) {
            try OperatorHarness.check("Conv", inputs: [x, random.floats([2, 3, 3, 3])])
        }
        #expect(throws: OperatorError.invalid("group 3 must divide the input channels 4 and the output channels 6 (X [1, 4, 5, 5], W [6, 1, 3, 3])")) {
            try OperatorHarness.check("Conv", attributes: ["group": .int(3)], inputs: [x, random.floats([6, 1, 3, 3])])
        }
        #expect(throws: OperatorError.invalid("bias B is float32 [3] but must be float32 [2] (one value per output channel)")) {
            try OperatorHarness.check("Conv", inputs: [x, random.floats([2, 4, 3, 3]), random.floats([3])])
        }
        #expect(throws: OperatorError.invalid("kernel_shape [2, 2] disagrees with the weight's spatial dims [3, 3]")) {
            try OperatorHarness.check("Conv", attributes: ["kernel_shape": .ints([2, 2])], inputs: [x, random.floats([2, 4, 3, 3])])
        }
        #expect(throws: OperatorError.invalid("kernel extent 7 on spatial axis 0 exceeds the padded input size 5 (input [5, 5])")) {
            try OperatorHarness.check("Conv", inputs: [x, random.floats([2, 4, 7, 1])])
        }
        #expect(throws: OperatorError.invalid("pads has 2 values but needs 4 for 2 spatial axes")) {
            try OperatorHarness.check("Conv", attributes: ["pads": .ints([1, 1])], inputs: [x, random.floats([2, 4, 3, 3])])
        }
    }

    @Test func attributeErrorsNameTheNode() throws {
        var random = TestRandom(seed: 6)
        let inputs = [random.floats([1, 2, 4, 4]), random.floats([1, 2, 3, 3])]
        #expect(throws: ModelError.invalidAttributeValue(node: "node 'test_Conv' (Conv)", attribute: "auto_pad",
                                                         reason: "must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, not 'SAME'")) {
            try OperatorHarness.check("Conv", attributes: ["auto_pad": .string("SAME")], inputs: inputs)
        }
        #expect(throws: ModelError.invalidAttributeValue(node: "node 'test_Conv' (Conv)", attribute: "group", reason: "must be between 1 and 16777216, got 0")) {
            try OperatorHarness.check("Conv", attributes: ["group": .int(0)], inputs: inputs)
        }
        #expect(throws: ModelError.invalidAttributeValue(node: "node 'test_Conv' (Conv)", attribute: "strides", reason: "values must be between 1 and 16777216, got [0, 1]")) {
            try OperatorHarness.check("Conv", attributes: ["strides": .ints([0, 1])], inputs: inputs)
        }
    }
}
