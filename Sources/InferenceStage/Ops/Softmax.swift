import Foundation
import GPUCore

/// Softmax and LogSoftmax. Before opset 13 the input is viewed as 2-D, flattened at `axis`
/// (default 1): each row is everything from `axis` on. From opset 13 the rows run along the single
/// axis `axis` (default -1). Both become a `ReductionLayout`, so one kernel (`softmax.comp`)
/// serves both without copying.
public struct SoftmaxOperator: Operator {
    public let opType: String
    public let axis: Int
    /// Opset < 13: rows are the flattened trailing axes from `axis`.
    public let flattensTrailingAxes: Bool

    public static var registrations: [OperatorRegistration] {
        ["Softmax", "LogSoftmax"].map { opType in
            OperatorRegistration(opType, opsets: 1...21, types: floatTypes, gpu: .some("float32")) { node, opset in
                try SoftmaxOperator(opType: opType, node: node, opset: opset)
            }
        }
    }

    init(opType: String, node: Node, opset: Int) throws {
        self.opType = opType
        flattensTrailingAxes = opset < 13
        axis = try node.int("axis", default: flattensTrailingAxes ? 1 : -1)
    }

    var isLog: Bool { opType == "LogSoftmax" }

    /// Axes each row runs over.
    func rowAxes(_ dims: [Int]) throws -> Set<Int> {
        guard !dims.isEmpty else { throw OperatorError.invalid("\(opType) needs an input of rank ≥ 1, not a scalar") }
        let a = try Shapes.normalizeAxis(axis, rank: dims.count)
        return flattensTrailingAxes ? Set(a..<dims.count) : [a]
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard x.spec.dataType.isFloatingPoint else { throw OperatorError.unsupportedType(input: 0, x.spec.dataType) }
        _ = try rowAxes(x.spec.dims)
        return [x.spec]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        let layout = ReductionLayout(dims: x.dims, axes: try rowAxes(x.dims))
        let within = layout.reducedOffsets()
        let values = x.floats()
        var out = [Float](repeating: 0, count: values.count)
        for base in layout.rowOffsets() {
            let row = within.map { Double(values[base + $0]) }
            // Subtracting the row's largest value keeps every exp ≤ 1.
            let top = row.max() ?? 0
            let sum = row.reduce(0) { $0 + Foundation.exp($1 - top) }
            for (r, offset) in within.enumerated() {
                out[base + offset] = Float(isLog ? row[r] - top - Foundation.log(sum) : Foundation.exp(row[r] - top) / sum)
            }
        }
        return [try TensorData(floats: out, dims: x.dims, as: x.dataType)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = inputs.first ?? nil, x.spec.dataType == .float32 else { return "GPU kernel is float32 only" }
        guard let axes = try? rowAxes(x.spec.dims) else { return nil }
        return ReductionLayout(dims: x.spec.dims, axes: axes).gpuUnsupportedReason(elementCount: x.spec.elementCount)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        let layout = ReductionLayout(dims: x.spec.dims, axes: try rowAxes(x.spec.dims))
        if let reason = layout.gpuUnsupportedReason(elementCount: x.spec.elementCount) { throw OperatorError.invalid(reason) }
        guard layout.count > 0 else { return }
        let rowPerThread = layout.prefersRowPerThread
        var defines = ["WG": String(rowPerThread ? 256 : layout.workgroupSize)]
        if rowPerThread { defines["ROW_PER_THREAD"] = "" }
        if isLog { defines["LOG"] = "" }
        let kernel = try encoder.kernel("softmax.comp", defines, bindings: 2, pushBytes: 80)
        try layout.dispatch(kernel, [x.read, outputs[0].write], encoder: encoder, rowPerThread: rowPerThread)
    }
}
