import GPUCore

/// Expand: broadcast the input to `shape` (numpy rules in both directions, so a 1 in `shape`
/// keeps the input's dim). The GPU reads broadcast axes with stride 0.
public struct ExpandOperator: Operator {
    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Expand", opsets: 8...21, types: allTypes, gpu: .all) { _, _ in ExpandOperator() }]
    }

    public var planTimeInputs: [Int] { [1] }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        guard let shape = try planValue(inputs, 1, "Expand's shape").map(integers) else { throw OperatorError.missingInput(1) }
        guard shape.allSatisfy({ $0 >= 0 }), let dims = Shapes.broadcast(x.spec.dims, shape) else {
            throw OperatorError.invalid("cannot expand \(x.spec.dims) to \(shape): each dim must match or be 1")
        }
        return [TensorSpec(x.spec.dataType, try checkedDims(dims, "Expand of \(x.spec.dims) to \(shape)"))]
    }

    static func box(_ input: [Int], _ output: [Int]) -> CopyBox {
        CopyBox(dims: output, source: Shapes.broadcastStrides(input, to: output), destination: Shapes.strides(output))
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let b = Self.box(x.dims, outputs[0].dims)
        return [try x.gathering(Shapes.offsets(dims: b.dims, strides: b.source), dims: outputs[0].dims)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = present(inputs, 0) else { return "missing input" }
        return Self.box(x.spec.dims, outputs[0].dims).unsupportedReason(x.spec.dataType, device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        try Self.box(x.spec.dims, outputs[0].spec.dims).encode(encoder, from: x, to: outputs[0])
    }
}
