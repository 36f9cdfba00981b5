import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct FusedConvOperatorTests {
    static let activations: [(String, [Float])] = [
        ("", []), ("Relu", []), ("Clip", [0, 6]), ("Clip", [-0.5, 0.5]), ("HardSwish", []), ("Sigmoid", []), ("LeakyRelu", [0.2]),
    ]

    /// (name, x, w, attributes): one tiled case and one depthwise case.
    static let layouts: [(String, [Int], [Int], [String: Attribute])] = [
        ("tiled", [2, 3, 7, 6], [5, 3, 3, 3], ["pads": .ints([1, 1, 1, 1])]),
        ("depthwise", [1, 4, 6, 5], [4, 1, 3, 3], ["group": .int(4), "strides": .ints([2, 2]), "pads": .ints([0, 1, 1, 0])]),
    ]

    static func fusedAttributes(_ base: [String: Attribute], _ name: String, _ parameters: [Float]) -> [String: Attribute] {
        var attributes = base
        attributes["activation"] = .string(name)
        if !parameters.isEmpty { attributes["activation_params"] = .floats(parameters) }
        return attributes
    }

    @Test(arguments: 0..<activations.count, 0..<layouts.count)
    func fusedMatchesConvThenAddThenActivation(activationIndex: Int, layoutIndex: Int) throws {
        let (name, parameters) = Self.activations[activationIndex]
        let (_, xDims, wDims, base) = Self.layouts[layoutIndex]
        var random = TestRandom(seed: UInt64(activationIndex * 7 + layoutIndex))
        let x = random.floats(xDims), w = random.floats(wDims, -1...1), b = random.floats([wDims[0]])
        let conv = try OperatorHarness.check("Conv", attributes: base, inputs: [x, w, b]).cpu[0]
        let residual = random.floats(conv.dims)
        let activation = try FusedActivation(name: name, parameters: parameters, node: "test")
        let expected = zip(conv.floats(), residual.floats()).map { activation.apply($0 + $1) }

        let fused = try OperatorHarness.check("FusedConv", domain: "com.sluice", attributes: Self.fusedAttributes(base, name, parameters),
                                              inputs: [x, w, b, residual], opset: 1, atol: 1e-4)
        #expect(fused.cpu[0].floats() == expected)
        #expect(fused.gpu != nil)
        // Without the residual, and without the bias.
        let plain = try OperatorHarness.check("FusedConv", domain: "com.sluice", attributes: Self.fusedAttributes(base, name, parameters),
                                              inputs: [x, w, nil], opset: 1, atol: 1e-4)
        let convNoBias = try OperatorHarness.check("Conv", attributes: base, inputs: [x, w]).cpu[0]
        #expect(plain.cpu[0].floats() == convNoBias.floats().map(activation.apply))
    }

    @Test func activationValues() throws {
        let values: [Float] = [-8, -1, 0, 2, 7]
        func applied(_ name: String, _ parameters: [Float] = []) throws -> [Float] {
            try values.map(FusedActivation(name: name, parameters: parameters, node: "n").apply)
        }
        #expect(try applied("Relu") == [0, 0, 0, 2, 7])
        #expect(try applied("Clip", [0, 6]) == [0, 0, 0, 2, 6])
        #expect(try applied("Clip", [-2]) == [-2, -1, 0, 2, 7])
        #expect(try applied("LeakyRelu", [0.5]) == [-4, -0.5, 0, 2, 7])
        #expect(try applied("LeakyRelu") == [-0.08, -0.01, 0, 2, 7])
        #expect(try applied("HardSwish").map { ($0 * 1e4).rounded() / 1e4 } == [0, -0.3333, 0, 1.6667, 7])
        #expect(try applied("Sigmoid")[2] == 0.5)
    }

    @Test func badActivationsAreClearErrors() throws {
        var random = TestRandom(seed: 2)
        let inputs = [random.floats([1, 1, 3, 3]), random.floats([1, 1, 1, 1])]
        #expect(throws: ModelError.invalidAttributeValue(node: "node 'test_FusedConv' (FusedConv)", attribute: "activation",
                                                         reason: "'Tanh' is not one of '', 'Relu', 'Clip', 'HardSwish', 'Sigmoid', 'LeakyRelu'")) {
            try OperatorHarness.check("FusedConv", domain: "com.sluice", attributes: ["activation": .string("Tanh")], inputs: inputs, opset: 1)
        }
        #expect(throws: ModelError.invalidAttributeValue(node: "node 'test_FusedConv' (FusedConv)", attribute: "activation_params",
                                                         reason: "Relu takes 0 values, got 1")) {
            try OperatorHarness.check("FusedConv", domain: "com.sluice", attributes: ["activation": .string("Relu"), "activation_params": .floats([1])],
                                      inputs: inputs, opset: 1)
        }
        #expect(throws: OperatorError.invalid("residual input is float32 [1, 1, 3, 4] but must be float32 [1, 1, 3, 3], the output's shape")) {
            try OperatorHarness.check("FusedConv", domain: "com.sluice", inputs: inputs + [nil, random.floats([1, 1, 3, 4])], opset: 1)
        }
        #expect(throws: OperatorError.invalid("Conv takes at most 3 inputs, got 4")) {
            try OperatorHarness.check("Conv", inputs: inputs + [nil, random.floats([1, 1, 3, 3])])
        }
    }
}
