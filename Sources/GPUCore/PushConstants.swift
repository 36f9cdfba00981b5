/// Push-constant bytes built field by field in the order the shader's block declares them
/// (std430: 4-byte scalars packed, no padding needed for the scalar-only blocks kernels use).
public struct PushConstants: Sendable, Equatable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public init(_ values: [UInt32]) { values.forEach { append($0) } }

    public mutating func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func append(_ value: Int32) { append(UInt32(bitPattern: value)) }
    public mutating func append(_ value: Float) { append(value.bitPattern) }
    /// Sizes and counts: clamps nothing, so callers check ranges before (shader indices are 32-bit).
    public mutating func append(_ value: Int) { append(UInt32(truncatingIfNeeded: value)) }
}

/// How a dispatch uses a bound buffer; barriers are derived from it.
public enum BufferAccess: Sendable { case read, write, readWrite }

/// One storage-buffer binding of a dispatch: binding `i` of the kernel gets `bindings[i]`.
public struct BufferBinding: Sendable {
    public let buffer: GPUBuffer
    public let offset: Int
    /// Bytes visible to the shader; nil = to the end of the buffer.
    public let range: Int?
    public let access: BufferAccess

    public init(_ buffer: GPUBuffer, _ access: BufferAccess, offset: Int = 0, range: Int? = nil) {
        self.buffer = buffer
        self.offset = offset
        self.range = range
        self.access = access
    }

    public static func read(_ buffer: GPUBuffer, offset: Int = 0, range: Int? = nil) -> BufferBinding { .init(buffer, .read, offset: offset, range: range) }
    public static func write(_ buffer: GPUBuffer, offset: Int = 0, range: Int? = nil) -> BufferBinding { .init(buffer, .write, offset: offset, range: range) }
    public static func readWrite(_ buffer: GPUBuffer, offset: Int = 0, range: Int? = nil) -> BufferBinding { .init(buffer, .readWrite, offset: offset, range: range) }
}
