import GPUCore

/// MaxPool, AveragePool (windows from `PoolGeometry`, any number of spatial dims on the CPU, 1-D
/// and 2-D on the GPU) and GlobalMaxPool / GlobalAveragePool (any rank on both). MaxPool's
/// optional Indices output (flat row-major positions in the input, storage_order 0) is computed
/// on the CPU only.
public struct PoolOperator: Operator {
    public enum Kind: String, Sendable, CaseIterable {
        case max = "MaxPool", average = "AveragePool", globalMax = "GlobalMaxPool", globalAverage = "GlobalAveragePool"
        var isMax: Bool { self == .max || self == .globalMax }
        var isGlobal: Bool { self == .globalMax || self == .globalAverage }
    }

    public let kind: Kind
    let attributes: PoolGeometry.Attributes?
    let countIncludePad: Bool
    /// The node asks for MaxPool's second output.
    let wantsIndices: Bool

    init(kind: Kind, node: Node, opset: Int) throws {
        self.kind = kind
        attributes = kind.isGlobal ? nil : try PoolGeometry.Attributes(node: node)
        countIncludePad = try node.int("count_include_pad", default: 0) != 0
        wantsIndices = kind == .max && node.outputs.count > 1 && !node.outputs[1].isEmpty
        if kind == .max {
            let order = try node.int("storage_order", default: 0)
            guard order == 0 else {
                throw ModelError.unsupportedAttribute(node: node.label, attribute: "storage_order",
                                                      reason: "only 0 (row-major Indices) is supported, got \(order)")
            }
        }
    }

    public static var registrations: [OperatorRegistration] {
        Kind.allCases.map { kind in
            let types: [DataType] = kind == .max ? floatTypes + [.int8, .uint8] : floatTypes
            let gpu: GPUCoverage = kind.isGlobal ? .some("float32") : .some(kind == .max ? "float32, 1-D and 2-D; Indices output CPU only" : "float32, 1-D and 2-D")
            return OperatorRegistration(kind.rawValue, opsets: 1...21, types: types, gpu: gpu) { node, opset in
                try PoolOperator(kind: kind, node: node, opset: opset)
            }
        }
    }

    func geometry(_ dims: [Int]) throws -> PoolGeometry {
        if let attributes { return try PoolGeometry(attributes, inputDims: dims) }
        guard dims.count >= 3 else { throw OperatorError.invalid("\(kind.rawValue) needs an input [N, C, spatial...], got \(dims)") }
        let spatial = Array(dims.dropFirst(2))
        return PoolGeometry(inputSpatial: spatial, kernel: spatial, strides: spatial.map { _ in 1 }, dilations: spatial.map { _ in 1 },
                            padsBegin: spatial.map { _ in 0 }, padsEnd: spatial.map { _ in 0 }, outputSpatial: spatial.map { _ in 1 })
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        let allowed: [DataType] = kind == .max ? floatTypes + [.int8, .uint8] : floatTypes
        guard allowed.contains(x.spec.dataType) else { throw OperatorError.unsupportedType(input: 0, x.spec.dataType) }
        let g = try geometry(x.spec.dims)
        let dims = Array(x.spec.dims.prefix(2)) + g.outputSpatial
        return [TensorSpec(x.spec.dataType, dims)] + (wantsIndices ? [TensorSpec(.int64, dims)] : [])
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        let g = try geometry(x.dims)
        let values = x.floats()
        let channels = x.dims[0] * x.dims[1]
        let inputCount = g.inputSpatial.reduce(1, *), outputCount = g.outputSpatial.reduce(1, *)
        let inputStrides = Shapes.strides(g.inputSpatial)
        var result = [Float](), indices = [Int64]()
        result.reserveCapacity(channels * outputCount)
        for channel in 0..<channels {
            let base = channel * inputCount
            forEachIndex(g.outputSpatial) { out in
                // Every window position as (offset in the channel or nil when in padding, counted by count_include_pad).
                var positions: [(offset: Int?, padded: Bool)] = [(0, true)]
                for d in 0..<out.count {
                    let along = g.windowPositions(axis: d, outIndex: out[d])
                    positions = positions.flatMap { p in
                        along.map { i in
                            let inside = i >= 0 && i < g.inputSpatial[d]
                            let padded = p.padded && i >= -g.padsBegin[d] && i < g.inputSpatial[d] + g.padsEnd[d]
                            return (inside ? p.offset.map { $0 + i * inputStrides[d] } : nil, padded)
                        }
                    }
                }
                let inside = positions.compactMap(\.offset)
                if kind.isMax {
                    var best = -Float.infinity, bestIndex = inside.first ?? 0
                    for offset in inside where values[base + offset] > best {
                        best = values[base + offset]
                        bestIndex = offset
                    }
                    result.append(best)
                    indices.append(Int64(base + bestIndex))
                } else {
                    let sum = inside.reduce(0.0) { $0 + Double(values[base + $1]) }
                    let divisor = countIncludePad && !kind.isGlobal ? positions.filter(\.padded).count : inside.count
                    result.append(Float(sum / Double(Swift.max(divisor, 1))))
                }
            }
        }
        let dims = outputs[0].dims
        let pooled = x.dataType.isFloatingPoint
            ? try TensorData(floats: result, dims: dims, as: x.dataType)
            : try TensorData(int64s: result.map { Int64($0) }, dims: dims, as: x.dataType)
        return [pooled] + (wantsIndices ? [try TensorData(indices, dims: dims)] : [])
    }

    /// Calls `body` with every index of `dims` in row-major order.
    private func forEachIndex(_ dims: [Int], _ body: ([Int]) -> Void) {
        guard !dims.contains(where: { $0 <= 0 }) else { return }
        var index = [Int](repeating: 0, count: dims.count)
        while true {
            body(index)
            var d = dims.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < dims[d] { break }
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = inputs.first ?? nil, x.spec.dataType == .float32 else { return "GPU kernel takes float32 input" }
        if wantsIndices { return "MaxPool's Indices output is computed on the CPU only" }
        if !kind.isGlobal && x.spec.rank > 4 { return "GPU kernel pools 1-D and 2-D; input \(x.spec.dims) has \(x.spec.rank - 2) spatial dims" }
        if x.spec.elementCount > Int(UInt32.max) { return "tensor too large for 32-bit GPU indexing" }
        return nil
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        let out = outputs[0]
        guard out.spec.elementCount > 0 else { return }
        let g = try geometry(x.spec.dims)
        let channels = x.spec.dims[0] * x.spec.dims[1]
        if kind.isGlobal {
            let kernel = try encoder.kernel("global_pool.comp", kind.isMax ? ["POOL_MAX": ""] : [:], bindings: 2, pushBytes: 8)
            var push = PushConstants()
            push.append(channels); push.append(x.spec.dims.dropFirst(2).reduce(1, *))
            // One workgroup per channel; `dispatch` spills past 65,535 groups into y.
            try encoder.dispatch(kernel, [x.read, out.write], push: push, count: channels * 64, groupSize: 64)
            return
        }
        // 1-D pools run as 2-D with a height of 1.
        func as2D(_ values: [Int], _ fill: Int) -> [Int] { values.count == 1 ? [fill] + values : values }
        let input = as2D(g.inputSpatial, 1), output = as2D(g.outputSpatial, 1), kernelSize = as2D(g.kernel, 1)
        let strides = as2D(g.strides, 1), dilations = as2D(g.dilations, 1)
        let padsBegin = as2D(g.padsBegin, 0), padsEnd = as2D(g.padsEnd, 0)
        var defines: [String: String] = kind.isMax ? ["POOL_MAX": ""] : [:]
        if countIncludePad { defines["COUNT_INCLUDE_PAD"] = "" }
        let kernel = try encoder.kernel("pool.comp", defines, bindings: 2, pushBytes: 60)
        var push = PushConstants()
        for value in [out.spec.elementCount] + input + output + kernelSize + strides + dilations + padsBegin + padsEnd {
            push.append(value)
        }
        try encoder.dispatch(kernel, [x.read, out.write], push: push, count: out.spec.elementCount)
    }
}
