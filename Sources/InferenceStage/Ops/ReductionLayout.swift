import GPUCore

/// Where the elements of each reduced "row" sit in a dense row-major tensor, for any set of reduced
/// axes: row `o`'s elements are at `rowOffset(o) + reducedOffset(r)` for `r` in `0..<count`. Rows
/// are numbered in the row-major order of the kept axes, which is the output order whether or not
/// reduced axes are kept as size 1; elements within a row follow the row-major order of the reduced
/// axes (so for a single axis `r` is the index along it).
///
/// Axes of size 1 are dropped and neighbouring axes of the same kind merged, so a reduction over
/// the middle axes of a rank-5 tensor becomes at most 2 kept and 1 reduced group: the GPU kernels
/// walk these groups (`reduce_rows.glsl`) and never need a transposed copy.
public struct ReductionLayout: Sendable, Equatable {
    /// Most kept (and, separately, reduced) groups the GPU kernels' push constants hold.
    public static let maxGPUGroups = 4

    public let keptDims: [Int]
    public let keptStrides: [Int]
    public let reducedDims: [Int]
    public let reducedStrides: [Int]

    /// Output elements (rows).
    public var rows: Int { keptDims.reduce(1, *) }
    /// Elements reduced into each row.
    public var count: Int { reducedDims.reduce(1, *) }

    /// `reduced[i]` says whether axis i of `dims` is reduced.
    public init(dims: [Int], reduced: [Bool]) {
        let strides = Shapes.strides(dims)
        var kept: [(Int, Int)] = [], gone: [(Int, Int)] = []
        var lastKind: Bool?
        for axis in dims.indices {
            let isReduced = reduced[axis]
            // A size-1 axis changes no offset; a size-0 one must stay so the count is zero.
            if dims[axis] == 1 { continue }
            if lastKind == isReduced {
                // Merge with the previous group of the same kind: in a dense tensor the previous
                // axis's stride is this one's stride times this one's size.
                if isReduced { gone[gone.count - 1] = (gone[gone.count - 1].0 * dims[axis], strides[axis]) }
                else { kept[kept.count - 1] = (kept[kept.count - 1].0 * dims[axis], strides[axis]) }
            } else {
                if isReduced { gone.append((dims[axis], strides[axis])) } else { kept.append((dims[axis], strides[axis])) }
            }
            lastKind = isReduced
        }
        keptDims = kept.map(\.0); keptStrides = kept.map(\.1)
        reducedDims = gone.map(\.0); reducedStrides = gone.map(\.1)
    }

    /// Reduction over `axes` (already normalised to 0..<rank).
    public init(dims: [Int], axes: Set<Int>) {
        self.init(dims: dims, reduced: dims.indices.map { axes.contains($0) })
    }

    /// Base offset of every row, in row order.
    public func rowOffsets() -> [Int] { Shapes.offsets(dims: keptDims, strides: keptStrides) }
    /// Offset of every element of a row relative to the row's base, in row-element order.
    public func reducedOffsets() -> [Int] { Shapes.offsets(dims: reducedDims, strides: reducedStrides) }

    /// The innermost (stride-1) axis is kept, so neighbouring rows are neighbouring elements.
    public var innermostKept: Bool { keptStrides.last == 1 }

    /// Whether one invocation per row beats one workgroup per row: short rows leave a workgroup
    /// idle, and when the innermost axis is kept, invocations of one workgroup reading consecutive
    /// rows read consecutive addresses.
    public var prefersRowPerThread: Bool {
        count <= 32 || (innermostKept && rows >= 4096 && count <= 4096)
    }

    /// nil when the GPU kernels can walk this layout with 32-bit offsets; else why not.
    public func gpuUnsupportedReason(elementCount: Int) -> String? {
        if keptDims.count > Self.maxGPUGroups || reducedDims.count > Self.maxGPUGroups {
            return "reduced and kept axes interleave more than \(Self.maxGPUGroups) times"
        }
        if elementCount > Int(UInt32.max) || rows > Int(UInt32.max) { return "tensor too large for 32-bit GPU indexing" }
        return nil
    }

    /// The push-constant block of `reduce_rows.glsl`.
    public func pushConstants() -> PushConstants {
        var push = PushConstants()
        push.append(rows); push.append(count); push.append(keptDims.count); push.append(reducedDims.count)
        for array in [keptDims, keptStrides, reducedDims, reducedStrides] {
            for i in 0..<Self.maxGPUGroups { push.append(i < array.count ? array[i] : 0) }
        }
        return push
    }

    /// Workgroup size for one workgroup per row: small rows get a small workgroup.
    public var workgroupSize: Int { count <= 64 ? 64 : 256 }

    /// Records `kernel` over every row: one invocation per row (`ROW_PER_THREAD`, 256 wide) or one
    /// workgroup per row with rows spilling into the y dimension past the x limit.
    public func dispatch(_ kernel: ComputeKernel, _ bindings: [BufferBinding], encoder: KernelEncoder, rowPerThread: Bool) throws {
        guard rows > 0 else { return }
        let push = pushConstants()
        if rowPerThread {
            try encoder.dispatch(kernel, bindings, push: push, count: rows)
            return
        }
        let x = min(rows, min(encoder.capabilities.maxWorkgroupCount[0], 65_535))
        let y = (rows + x - 1) / x
        try encoder.dispatch(kernel, bindings, push: push, groups: (x, y, 1))
    }
}
