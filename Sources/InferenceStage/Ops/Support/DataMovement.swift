import GPUCore

/// An optional input: absent when the node lists fewer inputs or leaves the slot empty.
func present<T>(_ list: [T?], _ index: Int) -> T? {
    index >= 0 && index < list.count ? list[index] : nil
}

/// A plan-time integer list (shape, axes, pads, repeats...) as Ints.
func integers(_ data: TensorData) -> [Int] {
    data.int64s().map { Int($0) }
}

/// One box of elements copied between two strided layouts, in elements. Data-movement operators
/// describe their GPU work as a list of these; `StridedCopy` runs each.
struct CopyBox: Equatable {
    var dims: [Int]
    var source: [Int]
    var destination: [Int]
    var sourceBase = 0
    var destinationBase = 0

    var count: Int { dims.reduce(1, *) }

    /// The same copy with size-1 axes dropped and axes merged where both layouts are contiguous
    /// across them, so that high-rank transposes, tiles and slices still fit the kernel's rank.
    func simplified() -> CopyBox {
        var d: [Int] = [], s: [Int] = [], t: [Int] = []
        for i in dims.indices where dims[i] != 1 {
            if let last = d.indices.last, s[last] == source[i] * dims[i], t[last] == destination[i] * dims[i] {
                d[last] *= dims[i]
                s[last] = source[i]
                t[last] = destination[i]
            } else {
                d.append(dims[i]); s.append(source[i]); t.append(destination[i])
            }
        }
        return CopyBox(dims: d, source: s, destination: t, sourceBase: sourceBase, destinationBase: destinationBase)
    }

    /// Why the GPU copy kernel cannot run this box, or nil.
    func unsupportedReason(_ dataType: DataType, device: DeviceCapabilities) -> String? {
        StridedCopy.unsupportedReason(rank: simplified().dims.count, dataType: dataType, device: device)
    }

    func encode(_ encoder: KernelEncoder, from source: GPUValue, to destination: GPUValue) throws {
        let box = simplified()
        guard box.count > 0 else { return }
        try StridedCopy.encode(encoder, from: source, to: destination, dims: box.dims, sourceStrides: box.source,
                               destinationStrides: box.destination, sourceBase: box.sourceBase, destinationBase: box.destinationBase)
    }

    /// A contiguous copy of `count` elements.
    static func contiguous(_ count: Int) -> CopyBox {
        CopyBox(dims: [count], source: [1], destination: [1])
    }
}

extension Array where Element == CopyBox {
    func unsupportedReason(_ dataType: DataType, device: DeviceCapabilities) -> String? {
        lazy.compactMap { $0.unsupportedReason(dataType, device: device) }.first
    }
}

/// Axes given by a node (attribute or input), normalised against `rank` and checked for repeats.
func normalizedAxes(_ axes: [Int], rank: Int, what: String = "axes") throws -> [Int] {
    var seen = Set<Int>()
    return try axes.map { axis in
        guard axis >= -rank, axis < rank else {
            throw OperatorError.invalid("\(what) value \(axis) is out of range for rank \(rank) (allowed \(-rank)...\(rank - 1))")
        }
        let a = axis < 0 ? axis + rank : axis
        guard seen.insert(a).inserted else { throw OperatorError.invalid("\(what) \(axes) name axis \(a) twice") }
        return a
    }
}

/// `dims` when their element count fits in an Int; otherwise an error naming `what`.
func checkedDims(_ dims: [Int], _ what: @autoclosure () -> String) throws -> [Int] {
    guard ShapeMath.elementCount(dims) != nil else {
        throw OperatorError.invalid("\(what()) would have dims \(dims): negative, or too many elements")
    }
    return dims
}

/// The value of a plan-time input, or an error saying that it had to be known when planning.
func planValue(_ inputs: [PlanInput?], _ index: Int, _ what: String) throws -> TensorData? {
    guard let input = present(inputs, index) else { return nil }
    guard let value = input.constant else {
        throw OperatorError.invalid("\(what) (input \(index)) must be known when planning (a constant or computed from shapes)")
    }
    return value
}
