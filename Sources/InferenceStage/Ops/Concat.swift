import GPUCore

/// Concat along `axis`. On the GPU each input is one strided copy into its region of the output.
public struct ConcatOperator: Operator {
    let axis: Int

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Concat", opsets: 4...21, types: allTypes, gpu: .all) { node, _ in
            ConcatOperator(axis: try node.int("axis"))
        }]
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        let specs = inputs.compactMap { $0?.spec }
        guard let first = specs.first else { throw OperatorError.invalid("Concat needs at least one input") }
        let rank = first.rank
        guard rank > 0 else { throw OperatorError.invalid("Concat cannot join scalars (rank 0); Unsqueeze them first") }
        let a = try Shapes.normalizeAxis(axis, rank: rank)
        var dims = first.dims
        dims[a] = 0
        for spec in specs {
            guard spec.dataType == first.dataType else {
                throw OperatorError.invalid("Concat inputs differ in type: \(first.dataType) and \(spec.dataType)")
            }
            guard spec.rank == rank, spec.dims.indices.allSatisfy({ $0 == a || spec.dims[$0] == first.dims[$0] }) else {
                throw OperatorError.invalid("Concat inputs \(first.dims) and \(spec.dims) differ outside axis \(a)")
            }
            dims[a] += spec.dims[a]
        }
        return [TensorSpec(first.dataType, dims)]
    }

    /// For each present input, the box that copies it into the output.
    func boxes(_ inputDims: [[Int]], output: [Int]) throws -> [CopyBox] {
        let a = try Shapes.normalizeAxis(axis, rank: output.count)
        let outStrides = Shapes.strides(output)
        var position = 0
        return inputDims.map { dims in
            defer { position += dims[a] }
            return CopyBox(dims: dims, source: Shapes.strides(dims), destination: outStrides, destinationBase: position * outStrides[a])
        }
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        let parts = inputs.compactMap { $0 }
        let out = outputs[0]
        let size = out.dataType.byteSize
        var bytes = [UInt8](repeating: 0, count: out.byteCount)
        for (part, box) in zip(parts, try boxes(parts.map(\.dims), output: out.dims)) {
            let targets = Shapes.offsets(dims: box.dims, strides: box.destination, base: box.destinationBase)
            for (i, t) in targets.enumerated() {
                for b in 0..<size { bytes[t * size + b] = part.bytes[i * size + b] }
            }
        }
        return [try TensorData(dataType: out.dataType, dims: out.dims, bytes: bytes)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let all = try? boxes(inputs.compactMap { $0?.spec.dims }, output: outputs[0].dims) else { return "invalid inputs" }
        return all.unsupportedReason(outputs[0].dataType, device: device)
    }

    /// An empty part (a KV cache's past before the first token) copies nothing.
    public var acceptsZeroSizedInputs: Bool { true }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        let parts = inputs.compactMap { $0 }
        for (part, box) in zip(parts, try boxes(parts.map(\.spec.dims), output: outputs[0].spec.dims)) {
            try box.encode(encoder, from: part, to: outputs[0])
        }
    }
}
