import COnnxProto
import Foundation
import GPUCore

/// A named tensor in ONNX's `TensorProto` serialisation: the `.pb` files of onnx's backend test
/// data (`test_data_set_0/input_0.pb`) and of `onnx.numpy_helper.from_array(...).SerializeToString()`.
public struct TensorFile: Sendable, Equatable {
    public var name: String
    public var tensor: TensorData

    public init(name: String, tensor: TensorData) {
        self.name = name
        self.tensor = tensor
    }

    /// Reads a `.pb` file; external data, if the tensor uses it, is looked up beside the file.
    public static func read(path: String, limits: LoaderLimits = LoaderLimits()) throws(ModelError) -> TensorFile {
        let bytes = try FileBytes.read(path: path, limit: limits.maxModelBytes)
        return try TensorFile(bytes: bytes, baseDirectory: ModelLoader.directory(of: path), limits: limits)
    }

    /// Decodes serialised `TensorProto` bytes.
    public init(bytes: [UInt8], baseDirectory: String? = nil, limits: LoaderLimits = LoaderLimits()) throws(ModelError) {
        guard bytes.count <= limits.maxModelBytes else {
            throw .modelTooLarge(path: "<tensor bytes>", bytes: bytes.count, limit: limits.maxModelBytes)
        }
        try WireNestingScanner(limit: limits.maxNestingDepth).scan(bytes, root: .init(onnx__tensor_proto__descriptor))
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            onnx__tensor_proto__unpack(nil, buffer.count, buffer.baseAddress)
        }
        guard let parsed else {
            throw .malformedProtobuf(reason: "protobuf-c could not parse it as an ONNX TensorProto (truncated or not a tensor)")
        }
        defer { onnx__tensor_proto__free_unpacked(parsed, nil) }
        let external = try baseDirectory.map { (directory) throws(ModelError) in try ExternalDataReader(baseDirectory: directory) }
        var decoder = TensorProtoDecoder(limits: limits, external: external)
        let name = CString.string(parsed.pointee.name)
        self.name = name
        self.tensor = try decoder.decode(parsed.pointee, origin: name.isEmpty ? "unnamed tensor" : "tensor '\(name)'")
    }

    /// The serialised `TensorProto`: name, data type, dims and `raw_data`.
    public func encoded() -> [UInt8] {
        var proto = Onnx__TensorProto()
        onnx__tensor_proto__init(&proto)
        var dims = tensor.dims.map { Int64($0) }
        var raw = tensor.bytes
        return name.withCString { namePointer in
            dims.withUnsafeMutableBufferPointer { dimsBuffer in
                raw.withUnsafeMutableBufferPointer { rawBuffer in
                    proto.name = UnsafeMutablePointer(mutating: namePointer)
                    proto.n_dims = dimsBuffer.count
                    proto.dims = dimsBuffer.baseAddress
                    proto.has_data_type = 1
                    proto.data_type = tensor.dataType.rawValue
                    proto.has_raw_data = 1
                    proto.raw_data = ProtobufCBinaryData(len: rawBuffer.count, data: rawBuffer.baseAddress)
                    var out = [UInt8](repeating: 0, count: onnx__tensor_proto__get_packed_size(&proto))
                    let written = out.withUnsafeMutableBufferPointer { onnx__tensor_proto__pack(&proto, $0.baseAddress) }
                    return Array(out.prefix(written))
                }
            }
        }
    }

    public func write(to path: String) throws(ModelError) {
        do {
            try Data(encoded()).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .fileUnwritable(path: path, reason: error.localizedDescription)
        }
    }
}
