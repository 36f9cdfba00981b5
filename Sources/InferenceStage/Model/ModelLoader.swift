import COnnxProto
import GPUCore

/// Loads ONNX models into the Swift IR (`OnnxModel`). Files are untrusted: sizes, nesting,
/// tensor bounds, external-data paths and the graph structure are all checked, and every failure
/// is a `ModelError` naming what to fix.
public enum ModelLoader {
    /// Default-domain opset versions Sluice's operators implement.
    public static let supportedOpsets: ClosedRange<Int> = 7...21

    /// Loads the model at `path`; external data files are looked up beside it.
    public static func load(path: String, limits: LoaderLimits = LoaderLimits()) throws(ModelError) -> OnnxModel {
        let bytes = try FileBytes.read(path: path, limit: limits.maxModelBytes)
        return try load(bytes: bytes, baseDirectory: directory(of: path), limits: limits)
    }

    /// Loads a model from memory. `baseDirectory` is where its external data files live; without
    /// one, a model that uses external data fails to load.
    public static func load(bytes: [UInt8], baseDirectory: String?, limits: LoaderLimits = LoaderLimits()) throws(ModelError) -> OnnxModel {
        guard bytes.count <= limits.maxModelBytes else {
            throw .modelTooLarge(path: "<model bytes>", bytes: bytes.count, limit: limits.maxModelBytes)
        }
        guard !bytes.isEmpty else { throw .malformedProtobuf(reason: "the file is empty") }
        try WireNestingScanner(limit: limits.maxNestingDepth)
            .scan(bytes, root: .init(onnx__model_proto__descriptor))

        let parsed = bytes.withUnsafeBufferPointer { buffer in
            onnx__model_proto__unpack(nil, buffer.count, buffer.baseAddress)
        }
        guard let parsed else {
            throw .malformedProtobuf(reason: "protobuf-c could not parse it as an ONNX ModelProto (truncated or not a model)")
        }
        defer { onnx__model_proto__free_unpacked(parsed, nil) }
        let model = parsed.pointee

        let opsets = try opsetImports(model)
        guard let graphProto = model.graph?.pointee else { throw .missingGraph }
        let external = try baseDirectory.map { (directory) throws(ModelError) in try ExternalDataReader(baseDirectory: directory) }
        var reader = ProtoGraphReader(tensors: TensorProtoDecoder(limits: limits, external: external),
                                      maxNodes: limits.maxGraphNodes)
        let graph = try reader.graph(graphProto, outerScope: nil)
        return OnnxModel(
            irVersion: model.has_ir_version != 0 ? Int(model.ir_version) : 0,
            producerName: CString.string(model.producer_name),
            producerVersion: CString.string(model.producer_version),
            opsetImports: opsets,
            graph: graph)
    }

    private static func opsetImports(_ model: Onnx__ModelProto) throws(ModelError) -> [String: Int] {
        var opsets: [String: Int] = [:]
        for entry in CArray.messages(model.opset_import, model.n_opset_import) {
            let domain = OpsetDomain.normalised(CString.string(entry.pointee.domain))
            opsets[domain] = entry.pointee.has_version != 0 ? Int(entry.pointee.version) : 0
        }
        guard let version = opsets[""] else { throw .missingDefaultOpset }
        guard supportedOpsets.contains(version) else {
            throw .unsupportedOpset(domain: "", version: version, supported: supportedOpsets)
        }
        return opsets
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }
}
