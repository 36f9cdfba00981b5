import GPUCore

/// ArgMax and ArgMin: the int64 index of the largest (smallest) element along one axis, the first
/// one among equals unless `select_last_index` (opset ≥ 12) asks for the last. The GPU kernel is
/// `reduce.comp`'s COMBINE_ARGMAX / COMBINE_ARGMIN over float32.
public struct ArgReduceOperator: Operator {
    public let opType: String
    public let axis: Int
    public let keepDims: Bool
    public let selectLastIndex: Bool

    static let types: [DataType] = [.float32, .float16, .int32, .int64, .uint8, .int8]

    public static var registrations: [OperatorRegistration] {
        ["ArgMax", "ArgMin"].map { opType in
            OperatorRegistration(opType, opsets: 1...21, types: types, gpu: .some("float32")) { node, _ in
                try ArgReduceOperator(opType: opType, node: node)
            }
        }
    }

    init(opType: String, node: Node) throws {
        self.opType = opType
        axis = try node.int("axis", default: 0)
        keepDims = try node.int("keepdims", default: 1) != 0
        selectLastIndex = try node.int("select_last_index", default: 0) != 0
    }

    var isMax: Bool { opType == "ArgMax" }

    func checkedAxis(_ dims: [Int]) throws -> Int {
        guard !dims.isEmpty else { throw OperatorError.invalid("\(opType) needs an input of rank ≥ 1, not a scalar") }
        let a = try Shapes.normalizeAxis(axis, rank: dims.count)
        guard dims[a] > 0 else {
            throw OperatorError.invalid("\(opType) over axis \(axis) of \(dims), which has no elements: there is no index to return")
        }
        return a
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard Self.types.contains(x.spec.dataType) else { throw OperatorError.unsupportedType(input: 0, x.spec.dataType) }
        let a = try checkedAxis(x.spec.dims)
        return [TensorSpec(.int64, ReduceOperator.reducedDims(x.spec.dims, axes: [a], keepDims: keepDims))]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        let a = try checkedAxis(x.dims)
        let layout = ReductionLayout(dims: x.dims, axes: [a])
        let within = layout.reducedOffsets()
        let rows = layout.rowOffsets()
        let indices: [Int64]
        if x.dataType.isFloatingPoint {
            let values = x.floats()
            indices = rows.map { pick(values, base: $0, within: within) }
        } else {
            let values = x.int64s()
            indices = rows.map { pick(values, base: $0, within: within) }
        }
        return [try TensorData(indices, dims: ReduceOperator.reducedDims(x.dims, axes: [a], keepDims: keepDims))]
    }

    /// Index along the axis of the winning element of one row.
    func pick<T: Comparable>(_ values: [T], base: Int, within: [Int]) -> Int64 {
        var best = 0
        for r in within.indices.dropFirst() {
            let candidate = values[base + within[r]], current = values[base + within[best]]
            let better = isMax ? candidate > current : candidate < current
            if better || (selectLastIndex && candidate == current) { best = r }
        }
        return Int64(best)
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = inputs.first ?? nil, x.spec.dataType == .float32 else { return "GPU kernel is float32 only" }
        guard let a = try? checkedAxis(x.spec.dims) else { return nil }
        return ReductionLayout(dims: x.spec.dims, axes: [a]).gpuUnsupportedReason(elementCount: x.spec.elementCount)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        let layout = ReductionLayout(dims: x.spec.dims, axes: [try checkedAxis(x.spec.dims)])
        let rowPerThread = layout.prefersRowPerThread
        var defines = [isMax ? "COMBINE_ARGMAX" : "COMBINE_ARGMIN": "", "MAP": "x", "FINAL": "v",
                       "WG": String(rowPerThread ? 256 : layout.workgroupSize)]
        if rowPerThread { defines["ROW_PER_THREAD"] = "" }
        if selectLastIndex { defines["LAST_INDEX"] = "" }
        let kernel = try encoder.kernel("reduce.comp", defines, bindings: 2, pushBytes: 80)
        try layout.dispatch(kernel, [x.read, outputs[0].write], encoder: encoder, rowPerThread: rowPerThread)
    }
}
