import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct PoolOperatorTests {
    struct Case: Sendable, CustomStringConvertible {
        var dims: [Int]
        var attributes: [String: Attribute]
        var description: String { "\(dims) \(attributes.keys.sorted())" }
    }

    static let windowed: [Case] = [
        Case(dims: [1, 1, 5, 5], attributes: ["kernel_shape": .ints([2, 2])]),
        Case(dims: [2, 3, 7, 9], attributes: ["kernel_shape": .ints([3, 2]), "strides": .ints([2, 3]), "pads": .ints([1, 0, 1, 1])]),
        Case(dims: [1, 2, 8, 8], attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "auto_pad": .string("SAME_UPPER")]),
        Case(dims: [1, 2, 8, 7], attributes: ["kernel_shape": .ints([2, 3]), "strides": .ints([3, 2]), "auto_pad": .string("SAME_LOWER")]),
        Case(dims: [1, 1, 6, 6], attributes: ["kernel_shape": .ints([3, 3]), "auto_pad": .string("VALID"), "strides": .ints([2, 2])]),
        Case(dims: [1, 3, 6, 7], attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "ceil_mode": .int(1), "pads": .ints([1, 1, 1, 1])]),
        Case(dims: [1, 2, 9, 9], attributes: ["kernel_shape": .ints([2, 2]), "dilations": .ints([2, 3])]),
        Case(dims: [2, 3, 17], attributes: ["kernel_shape": .ints([4]), "strides": .ints([3]), "pads": .ints([2, 1])]),
        Case(dims: [0, 3, 4, 4], attributes: ["kernel_shape": .ints([2, 2])]),
        Case(dims: [1, 1, 1, 1], attributes: ["kernel_shape": .ints([1, 1])]),
        Case(dims: [2, 16, 33, 31], attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]),
    ]

    @Test(arguments: ["MaxPool", "AveragePool"], windowed)
    func gpuMatchesCPU(opType: String, test: Case) throws {
        var random = TestRandom(seed: UInt64(test.dims.reduce(1, *)))
        try OperatorHarness.check(opType, attributes: test.attributes, inputs: [random.floats(test.dims)], opset: 19)
        if opType == "AveragePool" {
            var counted = test.attributes
            counted["count_include_pad"] = .int(1)
            try OperatorHarness.check(opType, attributes: counted, inputs: [random.floats(test.dims)], opset: 19)
        }
    }

    @Test(arguments: ["GlobalMaxPool", "GlobalAveragePool"], [[1, 1, 1, 1], [2, 3, 5, 5], [1, 4, 100], [2, 3, 2, 3, 4], [0, 2, 3, 3], [1, 2, 67, 45]])
    func globalGPUMatchesCPU(opType: String, dims: [Int]) throws {
        var random = TestRandom(seed: UInt64(dims.count))
        try OperatorHarness.check(opType, inputs: [random.floats(dims)])
    }

    @Test func referenceValues() throws {
        let x = try TensorData((1...16).map { Float($0) }, dims: [1, 1, 4, 4])
        let two: [String: Attribute] = ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]
        #expect(try OperatorHarness.check("MaxPool", attributes: two, inputs: [x]).gpu?[0].floats() == [6, 8, 14, 16])
        #expect(try OperatorHarness.check("AveragePool", attributes: two, inputs: [x]).gpu?[0].floats() == [3.5, 5.5, 11.5, 13.5])
        // A 3×3 window with a pad of 1 at the corner sees 4 values (1, 2, 5, 6) of 9 positions.
        let padded: [String: Attribute] = ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])]
        #expect(try OperatorHarness.check("AveragePool", attributes: padded, inputs: [x]).cpu[0].floats()[0] == 3.5)
        var included = padded
        included["count_include_pad"] = .int(1)
        #expect(try OperatorHarness.check("AveragePool", attributes: included, inputs: [x]).cpu[0].floats()[0] == 14.0 / 9)
        #expect(try OperatorHarness.check("GlobalAveragePool", inputs: [x]).gpu?[0].floats() == [8.5])
        #expect(try OperatorHarness.check("GlobalMaxPool", inputs: [x]).cpu[0].dims == [1, 1, 1, 1])
    }

    @Test func threeDimensionalPoolsRunOnTheCPU() throws {
        var random = TestRandom(seed: 3)
        let outcome = try OperatorHarness.check("MaxPool", attributes: ["kernel_shape": .ints([2, 2, 2])], inputs: [random.floats([1, 2, 3, 4, 5])],
                                                requireGPU: false)
        #expect(outcome.cpu[0].dims == [1, 2, 2, 3, 4])
        #expect(outcome.gpuReason?.contains("1-D and 2-D") == true)
    }

    @Test func maxPoolIndicesAndIntegers() throws {
        let x = try TensorData([1, 9, 3, 4, 5, 6, 7, 8, 2] as [Float], dims: [1, 1, 3, 3])
        let node = Node(name: "pool", opType: "MaxPool", inputs: ["x"], outputs: ["y", "i"], attributes: ["kernel_shape": .ints([2, 2])])
        let op = try #require(OperatorRegistry.lookup("MaxPool", opset: 12)).make(node, 12)
        let specs = try op.outputSpecs([PlanInput(spec: TensorSpec(.float32, x.dims))])
        #expect(specs == [TensorSpec(.float32, [1, 1, 2, 2]), TensorSpec(.int64, [1, 1, 2, 2])])
        let result = try op.computeCPU([x], outputs: specs)
        #expect(result[0].floats() == [9, 9, 8, 8])
        #expect(result[1].int64s() == [1, 1, 7, 7])
        #expect(op.gpuUnsupportedReason([PlanInput(spec: TensorSpec(.float32, x.dims))], outputs: specs, device: OperatorHarness.context.capabilities)?
            .contains("Indices") == true)
        let bytes = try TensorData(dataType: .uint8, dims: [1, 1, 2, 2], bytes: [3, 250, 7, 1])
        let pooled = try OperatorHarness.check("MaxPool", attributes: ["kernel_shape": .ints([2, 2])], inputs: [bytes], opset: 12, requireGPU: false)
        #expect(pooled.cpu[0].bytes == [250])
    }

    @Test func attributeAndShapeErrors() throws {
        var random = TestRandom(seed: 4)
        let x = random.floats([1, 1, 4, 4])
        #expect(throws: ModelError.self) {
            try OperatorHarness.check("MaxPool", attributes: ["kernel_shape": .ints([2, 2]), "storage_order": .int(1)], inputs: [x])
        }
        #expect(throws: ModelError.self) {
            try OperatorHarness.check("AveragePool", attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([1])], inputs: [x])
        }
        #expect(throws: ModelError.self) {
            try OperatorHarness.check("MaxPool", attributes: ["kernel_shape": .ints([2, 2]), "auto_pad": .string("SAME")], inputs: [x])
        }
        #expect(throws: OperatorError.invalid("input [1, 1, 4, 4] needs rank 3 for kernel_shape [2] ([N, C] then 1 spatial dims)")) {
            try OperatorHarness.check("MaxPool", attributes: ["kernel_shape": .ints([2])], inputs: [x])
        }
        #expect(throws: OperatorError.self) {
            try OperatorHarness.check("MaxPool", attributes: ["kernel_shape": .ints([5, 5])], inputs: [x])
        }
    }
}
