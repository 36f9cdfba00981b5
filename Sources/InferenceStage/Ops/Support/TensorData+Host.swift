import GPUCore

/// Conversions CPU reference operators compute with: floats for float types (fp16 widened), Int64
/// for integer and bool types.
extension TensorData {
    public func floats() -> [Float] {
        bytes.withUnsafeBytes { raw -> [Float] in
            switch dataType {
            case .float32: return Array(raw.bindMemory(to: Float.self))
            case .float16: return raw.bindMemory(to: UInt16.self).map { Float(Float16(bitPattern: $0)) }
            case .int32: return raw.bindMemory(to: Int32.self).map { Float($0) }
            case .int64: return raw.bindMemory(to: Int64.self).map { Float($0) }
            case .uint8, .bool: return raw.bindMemory(to: UInt8.self).map { Float($0) }
            case .int8: return raw.bindMemory(to: Int8.self).map { Float($0) }
            }
        }
    }

    public func int64s() -> [Int64] {
        bytes.withUnsafeBytes { raw -> [Int64] in
            switch dataType {
            case .int64: return Array(raw.bindMemory(to: Int64.self))
            case .int32: return raw.bindMemory(to: Int32.self).map { Int64($0) }
            case .uint8, .bool: return raw.bindMemory(to: UInt8.self).map { Int64($0) }
            case .int8: return raw.bindMemory(to: Int8.self).map { Int64($0) }
            case .float32: return raw.bindMemory(to: Float.self).map { Int64(exactly: $0.rounded(.towardZero)) ?? 0 }
            case .float16: return raw.bindMemory(to: UInt16.self).map { Int64(exactly: Float(Float16(bitPattern: $0)).rounded(.towardZero)) ?? 0 }
            }
        }
    }

    /// Builds a float tensor (float32 or float16) from Float values.
    public init(floats values: [Float], dims: [Int], as dataType: DataType = .float32) throws {
        switch dataType {
        case .float32: try self.init(values, dims: dims)
        case .float16: try self.init(values.map { Float16($0) }, dims: dims)
        default: throw OperatorError.invalid("cannot store floats as \(dataType)")
        }
    }

    /// Builds an integer or bool tensor from Int64 values (narrowing with truncation, as casts do).
    public init(int64s values: [Int64], dims: [Int], as dataType: DataType = .int64) throws {
        switch dataType {
        case .int64: try self.init(values, dims: dims)
        case .int32: try self.init(values.map { Int32(truncatingIfNeeded: $0) }, dims: dims)
        case .uint8: try self.init(values.map { UInt8(truncatingIfNeeded: $0) }, dims: dims)
        case .int8: try self.init(values.map { Int8(truncatingIfNeeded: $0) }, dims: dims)
        case .bool: try self.init(dataType: .bool, dims: dims, bytes: values.map { $0 != 0 ? 1 : 0 })
        case .float32, .float16: try self.init(floats: values.map { Float($0) }, dims: dims, as: dataType)
        }
    }

    /// A tensor of the same type whose elements are picked from this one by index (gathers,
    /// transposes, slices, broadcasts): type-generic because it moves bytes.
    public func gathering(_ indices: [Int], dims: [Int]) throws -> TensorData {
        let size = dataType.byteSize
        var out = [UInt8](repeating: 0, count: indices.count * size)
        bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                for (o, i) in indices.enumerated() {
                    for b in 0..<size { dst[o * size + b] = src[i * size + b] }
                }
            }
        }
        return try TensorData(dataType: dataType, dims: dims, bytes: out)
    }
}
