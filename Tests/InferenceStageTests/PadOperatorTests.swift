import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct PadOperatorTests {
    typealias T = DataOperatorTesting

    static let modes = ["constant", "reflect", "edge", "wrap"]
    static let cases: [(dims: [Int], pads: [Int])] = [
        ([5], [2, 3]), ([3, 4], [1, 2, 2, 1]), ([3, 4], [0, -1, 1, -2]), ([2, 3, 4], [1, 0, 2, 0, 1, 3]), ([1, 4], [2, 1, 2, 1]),
        ([2, 2], [0, 0, 0, 0]), ([3, 5, 2, 2, 2, 2], [1, 0, 0, 0, 0, 1, 0, 2, 0, 0, 1, 0]),
    ]

    @Test(arguments: modes, cases)
    func padGPUMatchesCPU(mode: String, c: (dims: [Int], pads: [Int])) throws {
        let x = T.random(.float32, c.dims, seed: 7)
        try OperatorHarness.check("Pad", attributes: ["mode": .string(mode)], inputs: [x, T.int64s(c.pads), T.floats([1.5], dims: [])], opset: 19)
    }

    @Test(arguments: [DataType.int64, .int32, .uint8, .bool, .float16])
    func padOtherTypesOnTheCPU(type: DataType) throws {
        let x = T.random(type, [2, 3], seed: 1)
        let out = try OperatorHarness.check("Pad", inputs: [x, T.int64s([1, 0, 0, 1])], opset: 13, requireGPU: false)
        #expect(out.cpu[0].dims == [3, 4])
        // First row and last column are zero; the rest is x.
        let size = type.byteSize
        #expect(out.cpu[0].bytes.prefix(4 * size).allSatisfy { $0 == 0 })
        #expect(Array(out.cpu[0].bytes[(4 * size)..<(7 * size)]) == Array(x.bytes[0..<(3 * size)]))
    }

    @Test func padReferenceValues() throws {
        // The examples of the ONNX Pad specification.
        let x = T.floats([1.0, 1.2, 2.3, 3.4, 4.5, 5.7], dims: [3, 2])
        let pads = T.int64s([0, 2, 0, 0])
        func pad(_ mode: String) throws -> [Float] {
            let outcome = try OperatorHarness.check("Pad", attributes: ["mode": .string(mode)], inputs: [x, pads], opset: 19)
            #expect(outcome.cpu[0].dims == [3, 4])
            return outcome.cpu[0].floats()
        }
        #expect(try pad("constant") == [0, 0, 1.0, 1.2, 0, 0, 2.3, 3.4, 0, 0, 4.5, 5.7] as [Float])
        #expect(try pad("reflect") == [1.0, 1.2, 1.0, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7, 4.5, 5.7] as [Float])
        #expect(try pad("edge") == [1.0, 1.0, 1.0, 1.2, 2.3, 2.3, 2.3, 3.4, 4.5, 4.5, 4.5, 5.7] as [Float])
        #expect(try pad("wrap") == [1.0, 1.2, 1.0, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7, 4.5, 5.7] as [Float])
        // Reflect beyond one period repeats the reflection (numpy's rule): [1 2 3] padded by 5 on the left.
        let line = T.floats([1, 2, 3])
        let far = try OperatorHarness.check("Pad", attributes: ["mode": .string("reflect")], inputs: [line, T.int64s([5, 0])], opset: 19)
        #expect(far.cpu[0].floats() == [2, 1, 2, 3, 2, 1, 2, 3] as [Float])
        // Opset 18: axes pick which axes the pads apply to; opset 2: pads and value are attributes.
        let axes = try OperatorHarness.check("Pad", inputs: [x, T.int64s([1, 0]), T.floats([-1], dims: []), T.int64s([-1])], opset: 18)
        #expect(axes.cpu[0].floats() == [-1, 1.0, 1.2, -1, 2.3, 3.4, -1, 4.5, 5.7] as [Float])
        let old = try OperatorHarness.check("Pad", attributes: ["pads": .ints([1, 0, 0, 0]), "value": .float(7)], inputs: [x], opset: 2)
        #expect(old.cpu[0].floats() == [7, 7, 1.0, 1.2, 2.3, 3.4, 4.5, 5.7] as [Float])
    }

    @Test func padErrors() {
        let x = T.floats([1, 2, 3, 4], dims: [2, 2])
        #expect(T.errorMessage { try OperatorHarness.check("Pad", inputs: [x, T.int64s([1, 1])], opset: 13) }
                == "Pad has 2 pads for 2 axes of [2, 2]; it needs 4 (all begins, then all ends)")
        #expect(T.errorMessage { try OperatorHarness.check("Pad", inputs: [x, T.int64s([0, -2, 0, -1])], opset: 13) }
                == "Pad of [2, 2] by begins [0, -2] ends [0, -1] crops below zero")
        #expect(T.errorMessage { try OperatorHarness.check("Pad", attributes: ["mode": .string("wrap")], inputs: [x, T.int64s([0, 0, 0, 0])], opset: 18) }?
                .contains("must be one of constant, reflect, edge at opset 18, not wrap") == true)
        #expect(T.errorMessage { try OperatorHarness.check("Pad", attributes: ["mode": .string("edge")], inputs: [T.floats([], dims: [0]), T.int64s([1, 1])], opset: 13) }
                == "Pad mode edge cannot fill axis 0 of [0]: it is empty")
    }
}
