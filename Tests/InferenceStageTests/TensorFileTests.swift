import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct TensorFileTests {
    @Test func reads_int64_float16_and_typed_float_pb_files_written_by_onnx() throws {
        let ids = try TensorFile.read(path: Fixtures.path("tensors/int64_2x2.pb"))
        #expect(ids.name == "ids")
        #expect(ids.tensor.dims == [2, 2])
        #expect(try ids.tensor.scalars(as: Int64.self) == [1, -2, 3, 1 << 40])

        let half = try TensorFile.read(path: Fixtures.path("tensors/float16_3.pb"))
        #expect(half.tensor.dataType == .float16)
        #expect(half.tensor.doubles() == [0.5, -1.0, 2.0])

        let typed = try TensorFile.read(path: Fixtures.path("tensors/float32_typed.pb"))
        #expect(typed.name == "typed")
        #expect(try typed.tensor.scalars(as: Float.self) == [1.25, -3.5])
    }

    @Test func encoding_matches_onnx_serialisation_byte_for_byte() throws {
        for file in ["tensors/int64_2x2.pb", "tensors/float16_3.pb"] {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path(file))))
            #expect(try TensorFile(bytes: bytes).encoded() == bytes, "\(file)")
        }
    }

    @Test func write_then_read_round_trips_every_type() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tensors = [
            try TensorData([Float(1.5), -2, 0], dims: [3]),
            try TensorData([Int64.min, 0, Int64.max], dims: [1, 3]),
            try TensorData([Int32(-7)], dims: []),
            try TensorData([UInt8(255), 0], dims: [2]),
            try TensorData([Int8(-128)], dims: [1]),
            try TensorData([true, false], dims: [2]),
            try TensorData([Float16(0.25)], dims: [1, 1]),
            try TensorData(zeros: .float32, dims: [0, 4]),
        ]
        for (index, tensor) in tensors.enumerated() {
            let path = "\(directory)/t\(index).pb"
            try TensorFile(name: "t\(index)", tensor: tensor).write(to: path)
            #expect(try TensorFile.read(path: path) == TensorFile(name: "t\(index)", tensor: tensor))
        }
    }

    @Test func truncated_tensor_file_is_rejected() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tensors/int64_2x2.pb"))))
        #expect(throws: ModelError.self) { try TensorFile(bytes: Array(bytes.dropLast(5))) }
    }

    @Test func element_limit_applies_to_tensor_files() {
        #expect(throws: ModelError.tensorTooLarge(tensor: "tensor 'ids'", elements: 4, limit: 3)) {
            try TensorFile.read(path: Fixtures.path("tensors/int64_2x2.pb"), limits: LoaderLimits(maxTensorElements: 3))
        }
    }
}
