import COnnxProto
import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct WireNestingScannerTests {
    private let scanner = WireNestingScanner(limit: 64)

    @Test func measures_the_nesting_of_an_ordinary_model() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("small_add.onnx"))))
        // ModelProto > GraphProto > ValueInfoProto > TypeProto > Tensor > TensorShapeProto > Dimension
        #expect(try scanner.scan(bytes, root: .init(onnx__model_proto__descriptor)) == 7)
    }

    @Test func bytes_fields_are_skipped_not_parsed() throws {
        // raw_data whose bytes are 30 validly nested length-delimited fields: were they parsed as
        // messages, the depth would pass a limit of 10.
        // GraphProto.node (1) > NodeProto.attribute (5) > AttributeProto.g (6) > GraphProto.node ...
        let tags: [UInt8] = (0..<30).map { [0x0A, 0x2A, 0x32][$0 % 3] }
        var lookalike: [UInt8] = []
        for tag in tags.reversed() { lookalike = [tag, UInt8(lookalike.count)] + lookalike }
        let tensor = try TensorData(dataType: .uint8, dims: [lookalike.count], bytes: lookalike)
        let encoded = TensorFile(name: "x", tensor: tensor).encoded()
        let strict = WireNestingScanner(limit: 10)
        #expect(try strict.scan(encoded, root: .init(onnx__tensor_proto__descriptor)) == 1)
        #expect(try TensorFile(bytes: encoded, limits: LoaderLimits(maxNestingDepth: 10)).tensor == tensor)
        // Read as a GraphProto, the same bytes do nest.
        #expect(throws: ModelError.nestingTooDeep(depth: 11, limit: 10)) {
            try strict.scan(lookalike, root: .init(onnx__graph_proto__descriptor))
        }
    }

    @Test func cut_off_number_and_oversized_length_are_malformed() {
        // Tag of ModelProto.graph (field 7, length-delimited) followed by a truncated varint.
        #expect(throws: ModelError.malformedProtobuf(reason: "a number is cut off at byte 2 (truncated file?)")) {
            try scanner.scan([0x3A, 0x80], root: .init(onnx__model_proto__descriptor))
        }
        #expect(throws: ModelError.self) {
            try scanner.scan([0x3A, 0x05, 0x00], root: .init(onnx__model_proto__descriptor))
        }
        // Wire type 3 (start group) is not used by ONNX.
        #expect(throws: ModelError.malformedProtobuf(reason: "unsupported wire type 3 at byte 1")) {
            try scanner.scan([0x0B], root: .init(onnx__model_proto__descriptor))
        }
    }
}
