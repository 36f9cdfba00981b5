import Foundation
import GPUCore

/// ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceSumSquare,
/// ReduceLogSum and ReduceLogSumExp over any set of axes. Axes are an attribute before opset 18
/// (ReduceSum: 13) and an optional int64 input from then on, where `noop_with_empty_axes` makes
/// an absent or empty axes list mean "no reduction" instead of "all axes".
/// The GPU kernel (`reduce.comp`) takes float32 and walks the reduced axes in place.
public struct ReduceOperator: Operator {
    public struct Kind: Sendable {
        public let opType: String
        /// `COMBINE_*` define of reduce.comp, its per-element `MAP` and row `FINAL` expressions.
        let combine: String
        let map: String
        let final: String
        /// subgroupAdd / subgroupMul / ...: the subgroup step for this combine, if any.
        let subgroupOp: String?
        /// Float reference over a row's values (Double so the reference is the more accurate side).
        let float: @Sendable ([Double]) -> Double
        /// Integer reference, given the element type (Max/Min of nothing are its extremes); nil
        /// computes `float` and truncates toward zero, as a cast would.
        let integer: (@Sendable ([Int64], DataType) throws -> Int64)?
    }

    static func sum(_ values: [Double]) -> Double { values.reduce(0, +) }

    public static let kinds: [Kind] = [
        Kind(opType: "ReduceSum", combine: "SUM", map: "x", final: "v", subgroupOp: "subgroupAdd",
             float: sum, integer: { v, _ in v.reduce(0, &+) }),
        Kind(opType: "ReduceMean", combine: "SUM", map: "x", final: "v / n", subgroupOp: "subgroupAdd",
             float: { sum($0) / Double($0.count) }, integer: { v, _ in
                 guard !v.isEmpty else { throw OperatorError.invalid("ReduceMean of an empty integer reduction is undefined") }
                 return v.reduce(0, &+) / Int64(v.count)
             }),
        Kind(opType: "ReduceMax", combine: "MAX", map: "x", final: "v", subgroupOp: "subgroupMax",
             float: { $0.contains { $0.isNaN } ? .nan : $0.max() ?? -.infinity },
             integer: { v, type in v.max() ?? integerBounds(type).lowerBound }),
        Kind(opType: "ReduceMin", combine: "MIN", map: "x", final: "v", subgroupOp: "subgroupMin",
             float: { $0.contains { $0.isNaN } ? .nan : $0.min() ?? .infinity },
             integer: { v, type in v.min() ?? integerBounds(type).upperBound }),
        Kind(opType: "ReduceProd", combine: "PROD", map: "x", final: "v", subgroupOp: "subgroupMul",
             float: { $0.reduce(1, *) }, integer: { v, _ in v.reduce(1, &*) }),
        Kind(opType: "ReduceL1", combine: "SUM", map: "abs(x)", final: "v", subgroupOp: "subgroupAdd",
             float: { sum($0.map { abs($0) }) }, integer: { v, _ in v.reduce(0) { $0 &+ ($1 < 0 ? 0 &- $1 : $1) } }),
        Kind(opType: "ReduceL2", combine: "SUM", map: "x * x", final: "sqrt(v)", subgroupOp: "subgroupAdd",
             float: { sum($0.map { $0 * $0 }).squareRoot() }, integer: nil),
        Kind(opType: "ReduceSumSquare", combine: "SUM", map: "x * x", final: "v", subgroupOp: "subgroupAdd",
             float: { sum($0.map { $0 * $0 }) }, integer: { v, _ in v.reduce(0) { $0 &+ $1 &* $1 } }),
        Kind(opType: "ReduceLogSum", combine: "SUM", map: "x", final: "log(v)", subgroupOp: "subgroupAdd",
             float: { Foundation.log(sum($0)) }, integer: nil),
        Kind(opType: "ReduceLogSumExp", combine: "LSE", map: "x", final: "v + log(s)", subgroupOp: nil,
             float: { values in
                 let top = values.max() ?? -.infinity
                 guard top.isFinite else { return values.contains { $0.isNaN } ? .nan : top }
                 return top + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - top) })
             }, integer: nil),
    ]

    static let numericTypes: [DataType] = [.float32, .float16, .int32, .int64, .uint8, .int8]

    /// Element types `kind` accepts: ReduceMax and ReduceMin also take bool (opset 20).
    static func types(_ kind: Kind) -> [DataType] {
        ["ReduceMax", "ReduceMin"].contains(kind.opType) ? numericTypes + [.bool] : numericTypes
    }

    public static var registrations: [OperatorRegistration] {
        kinds.map { kind in
            OperatorRegistration(kind.opType, opsets: 1...21, types: types(kind), gpu: .some("float32")) { node, opset in
                try ReduceOperator(kind: kind, node: node, opset: opset)
            }
        }
    }

    public let kind: Kind
    public let keepDims: Bool
    /// Axes come from input 1 (opset ≥ 18; ReduceSum ≥ 13) rather than the `axes` attribute.
    public let axesFromInput: Bool
    public let attributeAxes: [Int]
    public let noopWithEmptyAxes: Bool
    /// Merge partials with subgroup arithmetic where the device has it. Tests switch it off to run
    /// the shared-memory-only path that devices without subgroup arithmetic take.
    var subgroupsAllowed = true

    init(kind: Kind, node: Node, opset: Int) throws {
        self.kind = kind
        keepDims = try node.int("keepdims", default: 1) != 0
        axesFromInput = opset >= (kind.opType == "ReduceSum" ? 13 : 18)
        noopWithEmptyAxes = try node.int("noop_with_empty_axes", default: 0) != 0
        if axesFromInput && node.hasAttribute("axes") {
            throw ModelError.unsupportedAttribute(node: node.label, attribute: "axes",
                                                  reason: "from opset \(kind.opType == "ReduceSum" ? 13 : 18) \(kind.opType) takes axes as input 1")
        }
        attributeAxes = try node.ints("axes", default: [])
        if Set(attributeAxes).count != attributeAxes.count {
            throw ModelError.invalidAttributeValue(node: node.label, attribute: "axes", reason: "axes \(attributeAxes) repeat an axis")
        }
    }

    public var planTimeInputs: [Int] { axesFromInput ? [1] : [] }

    /// The reduced axes (normalised), or nil for a no-op (empty axes with noop_with_empty_axes).
    func reducedAxes(rank: Int, axesInput: TensorData?) throws -> Set<Int>? {
        var axes = attributeAxes
        if axesFromInput, let axesInput {
            guard axesInput.dataType == .int64, axesInput.dims.count <= 1 else {
                throw OperatorError.invalid("axes (input 1) must be a 1-D int64 tensor, not \(axesInput.dataType) \(axesInput.dims)")
            }
            axes = axesInput.int64s().map { Int($0) }
        }
        if axes.isEmpty { return axesFromInput && noopWithEmptyAxes ? nil : Set(0..<rank) }
        var normalized = Set<Int>()
        for axis in axes {
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a < rank else { throw OperatorError.invalid("axis \(axis) is out of range for rank \(rank)") }
            guard normalized.insert(a).inserted else { throw OperatorError.invalid("axes \(axes) repeat axis \(a)") }
        }
        return normalized
    }

    func axesInput(_ inputs: [PlanInput?]) throws -> TensorData? {
        guard axesFromInput, inputs.count > 1, let axes = inputs[1] else { return nil }
        guard let value = axes.constant else {
            throw OperatorError.invalid("axes (input 1) must be known when planning (an initializer or constant); its \(axes.spec) value is only known at run time")
        }
        return value
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard Self.types(kind).contains(x.spec.dataType) else { throw OperatorError.unsupportedType(input: 0, x.spec.dataType) }
        guard let axes = try reducedAxes(rank: x.spec.rank, axesInput: try axesInput(inputs)) else { return [x.spec] }
        return [TensorSpec(x.spec.dataType, Self.reducedDims(x.spec.dims, axes: axes, keepDims: keepDims))]
    }

    static func reducedDims(_ dims: [Int], axes: Set<Int>, keepDims: Bool) -> [Int] {
        dims.indices.compactMap { axes.contains($0) ? (keepDims ? 1 : nil) : dims[$0] }
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard let axes = try reducedAxes(rank: x.dims.count, axesInput: inputs.count > 1 ? inputs[1] : nil) else { return [x] }
        let dims = Self.reducedDims(x.dims, axes: axes, keepDims: keepDims)
        let layout = ReductionLayout(dims: x.dims, axes: axes)
        let rows = layout.rowOffsets(), within = layout.reducedOffsets()
        if x.dataType.isFloatingPoint {
            let values = x.floats()
            let out = rows.map { base in Float(kind.float(within.map { Double(values[base + $0]) })) }
            return [try TensorData(floats: out, dims: dims, as: x.dataType)]
        }
        let values = x.int64s()
        let out = try rows.map { base -> Int64 in
            let row = within.map { values[base + $0] }
            if let integer = kind.integer { return try integer(row, x.dataType) }
            let result = kind.float(row.map { Double($0) }).rounded(.towardZero)
            guard let exact = Int64(exactly: result) else {
                throw OperatorError.invalid("\(kind.opType) of \(x.dataType) values is \(result), which \(x.dataType) cannot hold")
            }
            return exact
        }
        return [try TensorData(int64s: out, dims: dims, as: x.dataType)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = inputs.first ?? nil, x.spec.dataType == .float32 else { return "GPU kernel is float32 only" }
        if axesFromInput, inputs.count > 1, let axes = inputs[1], axes.constant == nil { return "axes known only at run time" }
        guard let axes = try? reducedAxes(rank: x.spec.rank, axesInput: try? axesInput(inputs)) else { return nil }
        return ReductionLayout(dims: x.spec.dims, axes: axes).gpuUnsupportedReason(elementCount: x.spec.elementCount)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        let out = outputs[0]
        guard let axes = try reducedAxes(rank: x.spec.rank, axesInput: constants.count > 1 ? constants[1] : nil) else {
            try StridedCopy.encode(encoder, from: x, to: out, dims: [x.spec.elementCount], sourceStrides: [1], destinationStrides: [1])
            return
        }
        let layout = ReductionLayout(dims: x.spec.dims, axes: axes)
        if let reason = layout.gpuUnsupportedReason(elementCount: x.spec.elementCount) { throw OperatorError.invalid(reason) }
        let rowPerThread = layout.prefersRowPerThread
        var defines = ["COMBINE_\(kind.combine)": "", "MAP": kind.map, "FINAL": kind.final,
                       "WG": String(rowPerThread ? 256 : layout.workgroupSize)]
        if rowPerThread { defines["ROW_PER_THREAD"] = "" }
        if !rowPerThread, subgroupsAllowed, encoder.capabilities.subgroupArithmetic, let op = kind.subgroupOp { defines["SUBGROUP_OP"] = op }
        let kernel = try encoder.kernel("reduce.comp", defines, bindings: 2, pushBytes: 80)
        try layout.dispatch(kernel, [x.read, out.write], encoder: encoder, rowPerThread: rowPerThread)
    }
}

/// The values an integer type holds, for reductions of nothing (ReduceMax of an empty set is the
/// type's lowest value, as -inf is for floats).
func integerBounds(_ type: DataType) -> ClosedRange<Int64> {
    switch type {
    case .int8: return Int64(Int8.min)...Int64(Int8.max)
    case .uint8, .bool: return 0...Int64(UInt8.max)
    case .int32: return Int64(Int32.min)...Int64(Int32.max)
    default: return Int64.min...Int64.max
    }
}
