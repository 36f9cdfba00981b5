/// Element types a tensor can hold. Raw values are ONNX's `TensorProto.DataType` numbers so that
/// loaders and `.pb` files map onto them without a table.
public enum DataType: Int32, Sendable, CaseIterable, CustomStringConvertible, Codable {
    case float32 = 1
    case uint8 = 2
    case int8 = 3
    case int32 = 6
    case int64 = 7
    case bool = 9
    case float16 = 10

    /// Bytes one element occupies in a buffer.
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .int64: return 8
        case .float16: return 2
        case .uint8, .int8, .bool: return 1
        }
    }

    /// The name ONNX and ONNX Runtime use (`float32`, `int64`, ...).
    public var description: String {
        switch self {
        case .float32: return "float32"
        case .float16: return "float16"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .bool: return "bool"
        }
    }

    public init?(name: String) {
        guard let match = DataType.allCases.first(where: { $0.description == name }) else { return nil }
        self = match
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float16 }
}

/// Shape arithmetic that refuses to overflow: a hostile model or `.pb` file can declare dims whose
/// product wraps around, which would otherwise turn into a tiny allocation and an out-of-bounds write.
public enum ShapeMath {
    /// Product of `dims`, or nil when a dim is negative or the product overflows `Int`.
    public static func elementCount(_ dims: [Int]) -> Int? {
        var count = 1
        for dim in dims {
            guard dim >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Bytes needed for `dims` elements of `dataType`, or nil on overflow or a negative dim.
    public static func byteCount(_ dims: [Int], _ dataType: DataType) -> Int? {
        guard let count = elementCount(dims) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dataType.byteSize)
        return overflow ? nil : bytes
    }
}
