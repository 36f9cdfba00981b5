import COnnxProto
import GPUCore

/// Turns a parsed `TensorProto` into `TensorData`: checks dims and limits, then takes the values
/// from `raw_data`, the typed field the type calls for, or an external file.
struct TensorProtoDecoder {
    let limits: LoaderLimits
    /// Where external data lives; nil when the bytes came without a directory.
    let external: ExternalDataReader?
    /// Bytes of all tensors decoded so far, for `maxTotalInitializerBytes`.
    private(set) var totalBytes = 0

    init(limits: LoaderLimits, external: ExternalDataReader?) {
        self.limits = limits
        self.external = external
    }

    /// `origin` says where the tensor sits, for errors (`initializer 'w' of graph 'main'`).
    mutating func decode(_ proto: Onnx__TensorProto, origin: String) throws(ModelError) -> TensorData {
        let typeNumber = proto.has_data_type != 0 ? proto.data_type : 0
        guard let dataType = DataType(rawValue: typeNumber) else {
            throw .unsupportedDataType(tensor: origin, typeName: OnnxTypeNames.name(typeNumber))
        }
        let dims = CArray.values(proto.dims, proto.n_dims).map { Int($0) }
        if let negative = dims.first(where: { $0 < 0 }) {
            throw .invalidTensor(tensor: origin, reason: "negative dimension \(negative) in dims \(dims)")
        }
        guard let elements = ShapeMath.elementCount(dims), let byteCount = ShapeMath.byteCount(dims, dataType) else {
            throw .invalidTensor(tensor: origin, reason: "the element count of dims \(dims) overflows")
        }
        guard elements <= limits.maxTensorElements else {
            throw .tensorTooLarge(tensor: origin, elements: elements, limit: limits.maxTensorElements)
        }
        let (total, overflow) = totalBytes.addingReportingOverflow(byteCount)
        guard !overflow, total <= limits.maxTotalInitializerBytes else {
            throw .totalTensorBytesExceeded(tensor: origin, total: overflow ? Int.max : total,
                                            limit: limits.maxTotalInitializerBytes)
        }
        totalBytes = total
        guard proto.segment == nil else {
            throw .invalidTensor(tensor: origin, reason: "segmented tensors are not supported")
        }

        let bytes: [UInt8]
        if proto.data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL {
            bytes = try externalBytes(proto, byteCount: byteCount, origin: origin)
        } else if proto.has_raw_data != 0 {
            try expectNoTypedValues(proto, origin: origin, except: nil)
            guard proto.raw_data.len == byteCount else {
                throw .invalidTensor(tensor: origin, reason: "raw_data has \(proto.raw_data.len) bytes but dims \(dims) "
                    + "of \(dataType) need \(byteCount)")
            }
            bytes = CArray.values(proto.raw_data.data, proto.raw_data.len)
        } else {
            bytes = try TypedFieldDecoder(proto: proto, dataType: dataType, elements: elements, origin: origin).bytes()
        }
        do {
            return try TensorData(dataType: dataType, dims: dims, bytes: bytes)
        } catch {
            throw .invalidTensor(tensor: origin, reason: error.description)
        }
    }

    private func externalBytes(_ proto: Onnx__TensorProto, byteCount: Int, origin: String) throws(ModelError) -> [UInt8] {
        var entries: [String: String] = [:]
        for entry in CArray.messages(proto.external_data, proto.n_external_data) {
            entries[CString.string(entry.pointee.key)] = CString.string(entry.pointee.value)
        }
        let location = entries["location"] ?? ""
        func number(_ key: String) throws(ModelError) -> Int? {
            guard let text = entries[key] else { return nil }
            guard let value = Int(text), value >= 0 else {
                throw .externalData(tensor: origin, location: location, reason: "\(key) '\(text)' is not a non-negative integer")
            }
            return value
        }
        let offset = try number("offset") ?? 0
        let length = try number("length")
        guard let external else {
            throw .externalData(tensor: origin, location: location, reason: "the model was loaded from bytes without a "
                + "directory; load it with ModelLoader.load(path:) or pass baseDirectory")
        }
        return try external.read(location: location, offset: offset, length: length, byteCount: byteCount, tensor: origin)
    }
}

/// Values stored in `TensorProto`'s typed fields (`float_data`, `int32_data`, `int64_data`), with
/// ONNX's packing rules: float16 bit patterns, int8, uint8 and bool each take one `int32_data`
/// entry per element.
private struct TypedFieldDecoder {
    let proto: Onnx__TensorProto
    let dataType: DataType
    let elements: Int
    let origin: String

    func bytes() throws(ModelError) -> [UInt8] {
        switch dataType {
        case .float32:
            try expectNoTypedValues(proto, origin: origin, except: "float_data")
            return try littleEndian(checked(CArray.values(proto.float_data, proto.n_float_data), field: "float_data"))
        case .int64:
            try expectNoTypedValues(proto, origin: origin, except: "int64_data")
            return try littleEndian(checked(CArray.values(proto.int64_data, proto.n_int64_data), field: "int64_data"))
        case .int32:
            try expectNoTypedValues(proto, origin: origin, except: "int32_data")
            return try littleEndian(int32Values())
        case .float16:
            try expectNoTypedValues(proto, origin: origin, except: "int32_data")
            return try littleEndian(int32Values().map { (value) throws(ModelError) -> UInt16 in
                try narrowed(value, to: UInt16.self, meaning: "a float16 bit pattern")
            })
        case .uint8:
            try expectNoTypedValues(proto, origin: origin, except: "int32_data")
            return try int32Values().map { (value) throws(ModelError) -> UInt8 in try narrowed(value, to: UInt8.self, meaning: "uint8") }
        case .int8:
            try expectNoTypedValues(proto, origin: origin, except: "int32_data")
            return try int32Values().map { (value) throws(ModelError) -> UInt8 in
                UInt8(bitPattern: try narrowed(value, to: Int8.self, meaning: "int8"))
            }
        case .bool:
            try expectNoTypedValues(proto, origin: origin, except: "int32_data")
            return try int32Values().map { (value) throws(ModelError) -> UInt8 in
                guard value == 0 || value == 1 else {
                    throw .invalidTensor(tensor: origin, reason: "int32_data value \(value) is not a bool (0 or 1)")
                }
                return UInt8(value)
            }
        }
    }

    private func int32Values() throws(ModelError) -> [Int32] {
        try checked(CArray.values(proto.int32_data, proto.n_int32_data), field: "int32_data")
    }

    private func checked<T>(_ values: [T], field: String) throws(ModelError) -> [T] {
        guard values.count == elements else {
            let what = values.isEmpty ? "has no data" : "has \(values.count) values in \(field)"
            throw .invalidTensor(tensor: origin, reason: "\(what) but its dims need \(elements) \(dataType) elements")
        }
        return values
    }

    private func narrowed<T: FixedWidthInteger>(_ value: Int32, to type: T.Type, meaning: String) throws(ModelError) -> T {
        guard let narrow = T(exactly: value) else {
            throw .invalidTensor(tensor: origin, reason: "int32_data value \(value) is out of range for \(meaning)")
        }
        return narrow
    }

    /// Bytes of `values` in memory order: little-endian on every platform Sluice targets, which
    /// is the order `TensorData` and `raw_data` use.
    private func littleEndian<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { [UInt8]($0) }
    }
}

/// A tensor must keep its values in one place; a file with values in a field its type does not
/// use (say `double_data` in a float tensor) is corrupt or misunderstood, so refuse it.
private func expectNoTypedValues(_ proto: Onnx__TensorProto, origin: String, except allowed: String?) throws(ModelError) {
    let counts: [(String, Int)] = [
        ("float_data", proto.n_float_data), ("int32_data", proto.n_int32_data),
        ("int64_data", proto.n_int64_data), ("double_data", proto.n_double_data),
        ("uint64_data", proto.n_uint64_data), ("string_data", proto.n_string_data),
    ]
    for (field, count) in counts where count > 0 && field != allowed {
        let place = allowed == nil ? "besides raw_data" : "but its type keeps values in \(allowed ?? "")"
        throw .invalidTensor(tensor: origin, reason: "has \(count) values in \(field) \(place)")
    }
}
