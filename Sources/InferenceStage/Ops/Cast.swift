import GPUCore

/// Cast (target from the `to` attribute) and CastLike (target is input 1's type) between every
/// type Sluice has. Float to integer truncates toward zero (NaN and values beyond int64 give 0);
/// integers narrow by keeping the low bits; anything non-zero becomes true.
public struct CastOperator: Operator {
    /// nil for CastLike.
    let target: DataType?

    public static var registrations: [OperatorRegistration] {
        [
            OperatorRegistration("Cast", opsets: 6...21, types: allTypes, gpu: .some("with 8/16-bit storage for 1- and 2-byte types")) { node, _ in
                let to = try node.int("to")
                guard let type = Int32(exactly: to).flatMap(DataType.init(rawValue:)) else {
                    throw ModelError.unsupportedAttribute(node: node.label, attribute: "to",
                                                          reason: "ONNX type \(to) is not one Sluice handles (\(allTypes.map(\.description).joined(separator: ", ")))")
                }
                return CastOperator(target: type)
            },
            OperatorRegistration("CastLike", opsets: 15...21, types: allTypes, gpu: .some("with 8/16-bit storage for 1- and 2-byte types")) { _, _ in
                CastOperator(target: nil)
            },
        ]
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        guard let type = target ?? present(inputs, 1)?.spec.dataType else { throw OperatorError.missingInput(1) }
        return [TensorSpec(type, x.spec.dims)]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let to = outputs[0].dataType
        if to == x.dataType { return [x] }
        if to.isFloatingPoint { return [try TensorData(floats: x.floats(), dims: x.dims, as: to)] }
        if to == .bool && x.dataType.isFloatingPoint {
            return [try TensorData(int64s: x.floats().map { $0 != 0 ? 1 : 0 }, dims: x.dims, as: .bool)]
        }
        return [try TensorData(int64s: x.int64s(), dims: x.dims, as: to)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = present(inputs, 0) else { return "missing input" }
        for type in [x.spec.dataType, outputs[0].dataType] {
            if let reason = StridedCopy.unsupportedReason(rank: 1, dataType: type, device: device) { return reason }
        }
        return nil
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let out = outputs[0]
        if x.spec.dataType == out.spec.dataType {
            try CopyBox.contiguous(x.spec.elementCount).encode(encoder, from: x, to: out)
            return
        }
        let kernel = try encoder.kernel("cast.comp", ["IN_TYPE": String(x.spec.dataType.rawValue), "OUT_TYPE": String(out.spec.dataType.rawValue)],
                                        bindings: 2, pushBytes: 4)
        var push = PushConstants()
        push.append(x.spec.elementCount)
        try encoder.dispatch(kernel, [x.read, out.write], push: push, count: x.spec.elementCount)
    }
}
