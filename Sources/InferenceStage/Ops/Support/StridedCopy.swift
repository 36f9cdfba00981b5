import GPUCore

/// GPU data movement through `strided_copy.comp`: any rank ≤ 6 box of elements read with one set
/// of strides and written with another. Element offsets and strides are in elements.
public struct StridedCopy: Sendable {
    public static let maxRank = 6

    /// Why a copy of this shape and type cannot run on `device`, or nil.
    public static func unsupportedReason(rank: Int, dataType: DataType, device: DeviceCapabilities) -> String? {
        if rank > maxRank { return "rank \(rank) exceeds the GPU copy kernel's \(maxRank)" }
        if dataType.byteSize == 1 && !device.storageBuffer8Bit { return "device lacks 8-bit storage for \(dataType)" }
        if dataType.byteSize == 2 && !device.storageBuffer16Bit { return "device lacks 16-bit storage for \(dataType)" }
        return nil
    }

    /// Records the copy. Dims of size 0 make it a no-op.
    public static func encode(_ encoder: KernelEncoder, from source: GPUValue, to destination: GPUValue,
                              dims: [Int], sourceStrides: [Int], destinationStrides: [Int],
                              sourceBase: Int = 0, destinationBase: Int = 0) throws {
        let count = dims.reduce(1, *)
        guard count > 0 else { return }
        // Rank 0 is one element; pad to rank 1.
        let (d, s, t) = dims.isEmpty ? ([1], [0], [0]) : (dims, sourceStrides, destinationStrides)
        guard d.count <= maxRank else { throw OperatorError.invalid("rank \(d.count) exceeds \(maxRank) for the GPU copy") }
        for value in [count, sourceBase, destinationBase] + d where value < 0 || value > Int(UInt32.max) {
            throw OperatorError.invalid("tensor too large for 32-bit GPU indexing")
        }
        // Strides may be negative (Slice with negative steps): the shader's uint arithmetic wraps,
        // so a two's-complement stride walks backwards from the base.
        for value in s + t where value < Int(Int32.min) || value > Int(Int32.max) {
            throw OperatorError.invalid("tensor too large for 32-bit GPU indexing")
        }
        let kernel = try encoder.kernel("strided_copy.comp", ["ELEM_BYTES": String(source.spec.dataType.byteSize)], bindings: 2)
        var push = PushConstants()
        push.append(count); push.append(d.count); push.append(sourceBase); push.append(destinationBase)
        for array in [d, s, t] {
            for i in 0..<maxRank { push.append(i < array.count ? array[i] : 0) }
        }
        // Bind the whole buffers: bases index into them (a slice reads from an offset).
        try encoder.dispatch(kernel, [.read(source.buffer, offset: source.offset), .write(destination.buffer, offset: destination.offset)],
                             push: push, count: count)
    }
}
