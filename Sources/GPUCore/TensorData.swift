/// Tensor contents in host memory: a value type (copy-on-write through `[UInt8]`) that loaders,
/// CPU reference operators and `.pb` files share. `Tensor` wraps it for the CPU location and adds
/// the GPU-buffer location and life cycle.
public struct TensorData: Sendable, Equatable {
    public let dataType: DataType
    public let dims: [Int]
    /// Little-endian element bytes, `elementCount * dataType.byteSize` of them.
    public private(set) var bytes: [UInt8]

    public var elementCount: Int { bytes.count / dataType.byteSize }

    /// Wraps `bytes`; fails when their length disagrees with `dims` (or `dims` are invalid).
    public init(dataType: DataType, dims: [Int], bytes: [UInt8]) throws(TensorDataError) {
        guard let expected = ShapeMath.byteCount(dims, dataType) else {
            throw .invalidDims(dims)
        }
        guard expected == bytes.count else {
            throw .byteCountMismatch(dims: dims, dataType: dataType, expected: expected, actual: bytes.count)
        }
        self.dataType = dataType
        self.dims = dims
        self.bytes = bytes
    }

    /// A zero-filled tensor.
    public init(zeros dataType: DataType, dims: [Int]) throws(TensorDataError) {
        guard let count = ShapeMath.byteCount(dims, dataType) else { throw .invalidDims(dims) }
        self.dataType = dataType
        self.dims = dims
        self.bytes = [UInt8](repeating: 0, count: count)
    }

    /// Builds a tensor from typed scalars (`Float`, `Int64`, ...). The scalar type must match `dataType`.
    public init<Scalar: TensorScalar>(_ values: [Scalar], dims: [Int]) throws(TensorDataError) {
        let bytes = values.withUnsafeBytes { [UInt8]($0) }
        try self.init(dataType: Scalar.dataType, dims: dims, bytes: bytes)
    }

    /// The elements as `Scalar`; throws when `Scalar` is not this tensor's element type.
    public func scalars<Scalar: TensorScalar>(as type: Scalar.Type = Scalar.self) throws(TensorDataError) -> [Scalar] {
        guard Scalar.dataType == dataType else { throw .typeMismatch(expected: dataType, requested: Scalar.dataType) }
        return bytes.withUnsafeBytes { raw in Array(raw.bindMemory(to: Scalar.self)) }
    }

    /// Elements converted to `Double`, for comparisons and reports whatever the element type.
    public func doubles() -> [Double] {
        bytes.withUnsafeBytes { raw -> [Double] in
            switch dataType {
            case .float32: return raw.bindMemory(to: Float.self).map(Double.init)
            case .float16: return raw.bindMemory(to: UInt16.self).map { Double(Float16(bitPattern: $0)) }
            case .int32: return raw.bindMemory(to: Int32.self).map(Double.init)
            case .int64: return raw.bindMemory(to: Int64.self).map(Double.init)
            case .uint8, .bool: return raw.bindMemory(to: UInt8.self).map(Double.init)
            case .int8: return raw.bindMemory(to: Int8.self).map(Double.init)
            }
        }
    }

    /// Same bytes, new dims with the same element count (Reshape, Flatten, Squeeze).
    public func reshaped(_ newDims: [Int]) throws(TensorDataError) -> TensorData {
        try TensorData(dataType: dataType, dims: newDims, bytes: bytes)
    }
}

public enum TensorDataError: Error, Equatable, CustomStringConvertible {
    case invalidDims([Int])
    case byteCountMismatch(dims: [Int], dataType: DataType, expected: Int, actual: Int)
    case typeMismatch(expected: DataType, requested: DataType)

    public var description: String {
        switch self {
        case .invalidDims(let dims):
            return "invalid tensor dims \(dims): negative, or the element count overflows"
        case let .byteCountMismatch(dims, dataType, expected, actual):
            return "tensor of \(dataType) \(dims) needs \(expected) bytes but \(actual) were given"
        case let .typeMismatch(expected, requested):
            return "tensor holds \(expected) but \(requested) values were requested"
        }
    }
}

/// Swift scalar types that map onto a `DataType`.
public protocol TensorScalar: Sendable {
    static var dataType: DataType { get }
}
extension Float: TensorScalar { public static var dataType: DataType { .float32 } }
extension Float16: TensorScalar { public static var dataType: DataType { .float16 } }
extension Int32: TensorScalar { public static var dataType: DataType { .int32 } }
extension Int64: TensorScalar { public static var dataType: DataType { .int64 } }
extension UInt8: TensorScalar { public static var dataType: DataType { .uint8 } }
extension Int8: TensorScalar { public static var dataType: DataType { .int8 } }
extension Bool: TensorScalar { public static var dataType: DataType { .bool } }
