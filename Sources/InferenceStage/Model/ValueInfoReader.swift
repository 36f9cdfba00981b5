import COnnxProto
import GPUCore

/// Converts `ValueInfoProto`. The main graph's inputs and outputs (`required`) must be tensors of
/// a supported element type; other entries are hints, so anything the IR cannot express there
/// becomes "unknown" (nil) instead of an error.
enum ValueInfoReader {
    static func read(_ proto: Onnx__ValueInfoProto, graph: String, required: Bool) throws(ModelError) -> ValueInfo {
        let name = CString.string(proto.name)
        func failure(_ reason: String) -> ModelError { .invalidValueInfo(value: name, graph: graph, reason: reason) }
        guard !name.isEmpty else { throw failure("a graph input, output or value_info entry has no name") }

        guard let type = proto.type?.pointee else {
            if required { throw failure("graph inputs and outputs must declare a type") }
            return ValueInfo(name: name, dataType: nil, shape: nil)
        }
        guard type.value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE, let tensorType = type.tensor_type?.pointee else {
            if required { throw failure("only tensor values are supported (not sequences, maps, optionals or sparse tensors)") }
            return ValueInfo(name: name, dataType: nil, shape: nil)
        }
        var dataType: DataType?
        if tensorType.has_elem_type != 0, tensorType.elem_type != 0 {
            dataType = DataType(rawValue: tensorType.elem_type)
            if dataType == nil, required {
                throw .unsupportedDataType(tensor: "value '\(name)' of graph '\(graph)'",
                                           typeName: OnnxTypeNames.name(tensorType.elem_type))
            }
        }
        guard let shapeProto = tensorType.shape?.pointee else {
            return ValueInfo(name: name, dataType: dataType, shape: nil)
        }
        var shape: [Dimension] = []
        for dim in CArray.messages(shapeProto.dim, shapeProto.n_dim) {
            switch dim.pointee.value_case {
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE:
                let size = dim.pointee.dim_value
                guard size >= 0 else { throw failure("negative dimension \(size) in its shape") }
                shape.append(.fixed(Int(size)))
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM:
                let symbol = CString.string(dim.pointee.dim_param)
                shape.append(symbol.isEmpty ? .unknown : .symbolic(symbol))
            default:
                shape.append(.unknown)
            }
        }
        return ValueInfo(name: name, dataType: dataType, shape: shape)
    }
}

enum OpsetDomain {
    /// ONNX allows both `""` and `"ai.onnx"` for the default domain; the IR uses `""`.
    static func normalised(_ domain: String) -> String { domain == "ai.onnx" ? "" : domain }
}
