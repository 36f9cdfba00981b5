import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct CastOperatorTests {
    typealias T = DataOperatorTesting

    /// Values every type can start from: fractions, negatives, beyond uint8/int8, beyond float16's precision.
    static func source(_ type: DataType) throws -> TensorData {
        let floats: [Float] = [-3.75, -1, -0.5, 0, 0.5, 1, 2.5, 100, 255, 300, -129, 1000.5, 65504]
        switch type {
        case .float32, .float16: return try TensorData(floats: floats, dims: [13], as: type)
        case .int64: return try TensorData([Int64(-5), 0, 1, 127, 128, 255, 256, -129, 70000, 1 << 33 | 3, -(1 << 33), Int64(Int32.min) - 1, 1 << 40 | 1], dims: [13])
        case .int32: return try TensorData([Int32(-5), 0, 1, 127, 128, 255, 256, -129, 70000, Int32.max, Int32.min, 16_777_217, -3], dims: [13])
        case .uint8: return try TensorData([UInt8(0), 1, 2, 127, 128, 200, 255, 3, 4, 5, 6, 7, 8], dims: [13])
        case .int8: return try TensorData([Int8(0), 1, -1, 127, -128, 50, -50, 3, 4, 5, 6, 7, 8], dims: [13])
        case .bool: return try TensorData(dataType: .bool, dims: [13], bytes: [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1])
        }
    }

    @Test(arguments: DataOperatorTesting.everyType, DataOperatorTesting.everyType)
    func castGPUMatchesCPU(from: DataType, to: DataType) throws {
        let x = try Self.source(from)
        let outcome = try OperatorHarness.check("Cast", attributes: ["to": .int(Int(to.rawValue))], inputs: [x], opset: 13)
        #expect(outcome.cpu[0].dataType == to)
        // Zero-sized and rank-0 tensors too.
        try OperatorHarness.check("Cast", attributes: ["to": .int(Int(to.rawValue))], inputs: [T.random(from, [0, 4], seed: 1)], opset: 13)
        try OperatorHarness.check("Cast", attributes: ["to": .int(Int(to.rawValue))], inputs: [T.random(from, [], seed: 1)], opset: 13)
    }

    @Test func castReferenceValues() throws {
        let x = T.floats([-1.7, -0.2, 0, 0.1, 2.5, 300])
        func cast(_ to: DataType) throws -> TensorData {
            try OperatorHarness.check("Cast", attributes: ["to": .int(Int(to.rawValue))], inputs: [x], opset: 13).cpu[0]
        }
        #expect(try cast(.int32).int64s() == [-1, 0, 0, 0, 2, 300])
        #expect(try cast(.int64).int64s() == [-1, 0, 0, 0, 2, 300])
        // Narrowing keeps the low bits: 300 = 0x12C → 0x2C, -1 → 0xFF.
        #expect(try cast(.uint8).bytes == [255, 0, 0, 0, 2, 44])
        #expect(try cast(.bool).bytes == [1, 1, 0, 1, 1, 1])
        #expect(try cast(.float16).floats() == [-1.7001953, -0.19995117, 0, 0.099975586, 2.5, 300] as [Float])
        let big = try TensorData([Int64(1) << 40 | 1, -(1 << 33) - 5], dims: [2])
        let narrowed = try OperatorHarness.check("Cast", attributes: ["to": .int(6)], inputs: [big], opset: 13)
        #expect(narrowed.gpu?[0].int64s() == [1, -5])
    }

    @Test func castLikeTakesTheSecondInputsType() throws {
        let x = T.floats([1.5, -2.5])
        let like = try TensorData([Int32(0)], dims: [1])
        let outcome = try OperatorHarness.check("CastLike", inputs: [x, like], opset: 15)
        #expect(outcome.cpu[0].dataType == .int32)
        #expect(outcome.cpu[0].int64s() == [1, -2])
    }

    @Test func unsupportedTargetTypeIsAModelError() {
        let message = T.errorMessage { try OperatorHarness.check("Cast", attributes: ["to": .int(11)], inputs: [T.floats([1])], opset: 13) }
        #expect(message?.contains("ONNX type 11 is not one Sluice handles") == true)
    }
}
