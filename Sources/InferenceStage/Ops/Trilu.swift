import GPUCore

/// Trilu: the upper (default) or lower triangle of the last two axes, shifted by the optional
/// plan-time input k; any element type.
public struct TriluOperator: Operator {
    let upper: Bool

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Trilu", opsets: 14...21, types: allTypes, gpu: .all) { node, _ in
            TriluOperator(upper: try node.int("upper", default: 1) != 0)
        }]
    }

    public var planTimeInputs: [Int] { [1] }

    func diagonal(_ k: TensorData?) throws -> Int {
        guard let k else { return 0 }
        guard k.elementCount == 1, let value = k.int64s().first else { throw OperatorError.invalid("Trilu's k must be a single value, not \(k.dims)") }
        // Beyond ±2^31 the mask is all or nothing anyway; clamping keeps the push constant exact.
        return Int(max(min(value, Int64(Int32.max)), Int64(Int32.min)))
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        guard x.spec.rank >= 2 else { throw OperatorError.invalid("Trilu needs rank 2 or more, not \(x.spec.dims)") }
        _ = try diagonal(planValue(inputs, 1, "Trilu's k"))
        return [x.spec]
    }

    func keeps(row: Int, column: Int, k: Int) -> Bool {
        upper ? column - row >= k : column - row <= k
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        guard x.dims.count >= 2 else { throw OperatorError.invalid("Trilu needs rank 2 or more, not \(x.dims)") }
        let k = try diagonal(present(inputs, 1))
        let rows = x.dims[x.dims.count - 2], cols = x.dims[x.dims.count - 1]
        let size = x.dataType.byteSize
        var bytes = x.bytes
        for i in 0..<x.elementCount where !keeps(row: (i / cols) % rows, column: i % cols, k: k) {
            for b in 0..<size { bytes[i * size + b] = 0 }
        }
        return [try TensorData(dataType: x.dataType, dims: x.dims, bytes: bytes)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        StridedCopy.unsupportedReason(rank: 1, dataType: outputs[0].dataType, device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let dims = x.spec.dims
        var defines = ["ELEM_BYTES": String(x.spec.dataType.byteSize)]
        if upper { defines["UPPER"] = "" }
        let kernel = try encoder.kernel("trilu.comp", defines, bindings: 2, pushBytes: 16)
        var push = PushConstants()
        push.append(x.spec.elementCount); push.append(dims[dims.count - 2]); push.append(dims[dims.count - 1])
        push.append(Int32(try diagonal(present(constants, 1))))
        try encoder.dispatch(kernel, [x.read, outputs[0].write], push: push, count: x.spec.elementCount)
    }
}
