import GPUCore

/// Logical Not over bool tensors.
public struct NotOperator: Operator {
    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Not", opsets: 1...21, types: [.bool], gpu: .all) { _, _ in NotOperator() }]
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        guard x.spec.dataType == .bool else { throw OperatorError.unsupportedType(input: 0, x.spec.dataType) }
        return [x.spec]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        return [try TensorData(dataType: .bool, dims: x.dims, bytes: x.bytes.map { $0 == 0 ? 1 : 0 })]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        device.storageBuffer8Bit ? nil : "device lacks 8-bit storage for bool"
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let kernel = try encoder.kernel("not.comp", bindings: 2, pushBytes: 4)
        var push = PushConstants()
        push.append(x.spec.elementCount)
        try encoder.dispatch(kernel, [x.read, outputs[0].write], push: push, count: x.spec.elementCount)
    }
}
