import GPUCore

/// Where(condition, X, Y) with numpy broadcasting of all three; any value type (bytes move).
public struct WhereOperator: Operator {
    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Where", opsets: 9...21, types: allTypes, gpu: .all) { _, _ in WhereOperator() }]
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let c = present(inputs, 0), let x = present(inputs, 1), let y = present(inputs, 2) else {
            throw OperatorError.invalid("Where takes three inputs: condition, X and Y")
        }
        guard c.spec.dataType == .bool else { throw OperatorError.invalid("Where's condition must be bool, not \(c.spec.dataType)") }
        guard x.spec.dataType == y.spec.dataType else {
            throw OperatorError.invalid("Where's X and Y differ in type: \(x.spec.dataType) and \(y.spec.dataType)")
        }
        guard let dims = Shapes.broadcast([c.spec.dims, x.spec.dims, y.spec.dims]) else {
            throw OperatorError.invalid("Where's shapes \(c.spec.dims), \(x.spec.dims) and \(y.spec.dims) cannot be broadcast together")
        }
        return [TensorSpec(x.spec.dataType, dims)]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let c = present(inputs, 0), let x = present(inputs, 1), let y = present(inputs, 2) else { throw OperatorError.missingInput(0) }
        let dims = outputs[0].dims
        let offsets = [c, x, y].map { Shapes.offsets(dims: dims, strides: Shapes.broadcastStrides($0.dims, to: dims)) }
        let size = x.dataType.byteSize
        var bytes = [UInt8](repeating: 0, count: outputs[0].byteCount)
        for i in offsets[0].indices {
            let (source, at) = c.bytes[offsets[0][i]] != 0 ? (x, offsets[1][i]) : (y, offsets[2][i])
            for b in 0..<size { bytes[i * size + b] = source.bytes[at * size + b] }
        }
        return [try TensorData(dataType: x.dataType, dims: dims, bytes: bytes)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        if !device.storageBuffer8Bit { return "device lacks 8-bit storage for the bool condition" }
        return StridedCopy.unsupportedReason(rank: outputs[0].rank, dataType: outputs[0].dataType, device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let c = present(inputs, 0), let x = present(inputs, 1), let y = present(inputs, 2) else { throw OperatorError.missingInput(0) }
        let out = outputs[0]
        let kernel = try encoder.kernel("where.comp", ["ELEM_BYTES": String(out.spec.dataType.byteSize)], bindings: 4, pushBytes: 104)
        let scalar = out.spec.dims.isEmpty
        var push = PushConstants()
        push.append(out.spec.elementCount); push.append(scalar ? 1 : out.spec.rank)
        let strides = [c, x, y].map { scalar ? [0] : Shapes.broadcastStrides($0.spec.dims, to: out.spec.dims) }
        for array in [scalar ? [1] : out.spec.dims] + strides {
            for i in 0..<6 { push.append(i < array.count ? array[i] : 0) }
        }
        try encoder.dispatch(kernel, [c.read, x.read, y.read, out.write], push: push, count: out.spec.elementCount)
    }
}
