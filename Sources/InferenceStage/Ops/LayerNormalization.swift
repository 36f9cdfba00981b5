import Foundation
import GPUCore

/// LayerNormalization (opset 17): each row — the axes from `axis` on — is normalised to zero mean
/// and unit variance, then scaled and shifted by Scale and the optional B, both broadcast to the
/// row's shape. Optional outputs Mean and InvStdDev (float32, the row axes kept as size 1) are
/// computed on the CPU only. Statistics are computed in float32 or better (`stash_type` 1).
public struct LayerNormalizationOperator: Operator {
    public let axis: Int
    public let epsilon: Float
    /// Outputs the node asks for (Y, then optionally Mean and InvStdDev).
    public let outputCount: Int
    /// Whether the node uses Mean or InvStdDev (a GPU run computes only Y).
    public let wantsStatistics: Bool

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("LayerNormalization", opsets: 17...21, types: floatTypes, gpu: .some("float32, Y only")) { node, _ in
            try LayerNormalizationOperator(node: node)
        }]
    }

    init(node: Node) throws {
        axis = try node.int("axis", default: -1)
        epsilon = try node.float("epsilon", default: 1e-5)
        let stash = try node.int("stash_type", default: 1)
        guard stash == Int(DataType.float32.rawValue) else {
            throw ModelError.invalidAttributeValue(node: node.label, attribute: "stash_type",
                                                   reason: "only 1 (float32 statistics) is supported, not \(stash)")
        }
        guard (1...3).contains(node.outputs.count) else {
            throw ModelError.invalidAttributeValue(node: node.label, attribute: "outputs",
                                                   reason: "LayerNormalization has 1 to 3 outputs (Y, Mean, InvStdDev), not \(node.outputs.count)")
        }
        outputCount = node.outputs.count
        wantsStatistics = node.outputs.dropFirst().contains { !$0.isEmpty }
    }

    /// (rows, row length, row dims) for `dims`.
    func rows(_ dims: [Int]) throws -> (rows: Int, length: Int, rowDims: [Int], axis: Int) {
        guard !dims.isEmpty else { throw OperatorError.invalid("LayerNormalization needs an input of rank ≥ 1, not a scalar") }
        let a = try Shapes.normalizeAxis(axis, rank: dims.count)
        let rowDims = Array(dims[a...])
        return (dims[..<a].reduce(1, *), rowDims.reduce(1, *), rowDims, a)
    }

    func checkBroadcast(_ name: String, _ dims: [Int], to rowDims: [Int]) throws {
        guard dims.count <= rowDims.count, Shapes.broadcast(dims, rowDims) == rowDims else {
            throw OperatorError.invalid("\(name) \(dims) does not broadcast to the normalised shape \(rowDims)")
        }
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard inputs.count > 1, inputs[1] != nil else { throw OperatorError.missingInput(1) }
        guard x.spec.dataType.isFloatingPoint else { throw OperatorError.unsupportedType(input: 0, x.spec.dataType) }
        let shape = try rows(x.spec.dims)
        for (index, input) in inputs.enumerated().dropFirst() {
            guard let input else { continue }
            guard input.spec.dataType == x.spec.dataType else {
                throw OperatorError.invalid("input \(index) is \(input.spec.dataType) but X is \(x.spec.dataType)")
            }
            try checkBroadcast(index == 1 ? "Scale" : "B", input.spec.dims, to: shape.rowDims)
        }
        let statistics = TensorSpec(.float32, Array(x.spec.dims[..<shape.axis]) + shape.rowDims.map { _ in 1 })
        return [x.spec] + Array(repeating: statistics, count: outputCount - 1)
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard inputs.count > 1, let scale = inputs[1] else { throw OperatorError.missingInput(1) }
        let bias = inputs.count > 2 ? inputs[2] : nil
        let shape = try rows(x.dims)
        try checkBroadcast("Scale", scale.dims, to: shape.rowDims)
        if let bias { try checkBroadcast("B", bias.dims, to: shape.rowDims) }
        let values = x.floats()
        // Scale and bias per element of a row, broadcast to the row's shape.
        func perColumn(_ t: TensorData) -> [Double] {
            let v = t.floats()
            return Shapes.offsets(dims: shape.rowDims, strides: Shapes.broadcastStrides(t.dims, to: shape.rowDims)).map { Double(v[$0]) }
        }
        let scales = perColumn(scale)
        let biases = bias.map(perColumn) ?? [Double](repeating: 0, count: shape.length)
        var y = [Float](repeating: 0, count: values.count)
        var means: [Float] = [], invStds: [Float] = []
        for row in 0..<shape.rows {
            let base = row * shape.length
            let slice = values[base..<base + shape.length].map { Double($0) }
            let mean = slice.reduce(0, +) / Double(shape.length)
            let variance = slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(shape.length)
            let invStd = 1 / (variance + Double(epsilon)).squareRoot()
            for c in 0..<shape.length { y[base + c] = Float((slice[c] - mean) * invStd * scales[c] + biases[c]) }
            means.append(Float(mean)); invStds.append(Float(invStd))
        }
        var results = [try TensorData(floats: y, dims: x.dims, as: x.dataType)]
        if outputCount > 1 { results.append(try TensorData(means, dims: outputs[1].dims)) }
        if outputCount > 2 { results.append(try TensorData(invStds, dims: outputs[2].dims)) }
        return results
    }

    /// Scale or bias dims that `column % count` indexes correctly: a suffix of the row dims once
    /// leading 1s are dropped.
    static func isTrailingBroadcast(_ dims: [Int], rowDims: [Int]) -> Bool {
        let trimmed = dims.drop { $0 == 1 }
        return trimmed.isEmpty || Array(rowDims.suffix(trimmed.count)) == Array(trimmed)
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = inputs.first ?? nil, x.spec.dataType == .float32 else { return "GPU kernel is float32 only" }
        if wantsStatistics { return "Mean and InvStdDev outputs are computed on the CPU only" }
        guard let shape = try? rows(x.spec.dims) else { return nil }
        for input in inputs.dropFirst() {
            if let input, !Self.isTrailingBroadcast(input.spec.dims, rowDims: shape.rowDims) {
                return "Scale/B of shape \(input.spec.dims) broadcast within rows of \(shape.rowDims)"
            }
        }
        return nil
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard inputs.count > 1, let scale = inputs[1] else { throw OperatorError.missingInput(1) }
        let bias = inputs.count > 2 ? inputs[2] : nil
        let shape = try rows(x.spec.dims)
        let kernel = NormalizationKernel(rows: shape.rows, length: shape.length, epsilon: epsilon,
                                         indexing: .column(scaleCount: scale.spec.elementCount, biasCount: bias?.spec.elementCount ?? 0))
        try kernel.encode(encoder, x: x, scale: scale, bias: bias, output: outputs[0])
    }
}
