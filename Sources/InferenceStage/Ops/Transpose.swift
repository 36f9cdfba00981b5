import GPUCore

/// Transpose: output axis i is input axis perm[i] (default: reversed). The GPU reads the input
/// with permuted strides through `StridedCopy`, for every element type.
public struct TransposeOperator: Operator {
    let perm: [Int]?

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Transpose", opsets: 1...21, types: allTypes, gpu: .all) { node, _ in
            TransposeOperator(perm: node.hasAttribute("perm") ? try node.ints("perm") : nil)
        }]
    }

    func permutation(rank: Int) throws -> [Int] {
        guard let perm else { return Array((0..<rank).reversed()) }
        guard perm.count == rank, Set(perm) == Set(0..<rank) else {
            throw OperatorError.invalid("perm \(perm) is not a permutation of the \(rank) axes 0...\(rank - 1)")
        }
        return perm
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let p = try permutation(rank: x.spec.rank)
        return [TensorSpec(x.spec.dataType, p.map { x.spec.dims[$0] })]
    }

    func box(inputDims: [Int]) throws -> CopyBox {
        let p = try permutation(rank: inputDims.count)
        let inStrides = Shapes.strides(inputDims)
        let outDims = p.map { inputDims[$0] }
        return CopyBox(dims: outDims, source: p.map { inStrides[$0] }, destination: Shapes.strides(outDims))
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let b = try box(inputDims: x.dims)
        return [try x.gathering(Shapes.offsets(dims: b.dims, strides: b.source), dims: outputs[0].dims)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = present(inputs, 0), let b = try? box(inputDims: x.spec.dims) else { return "missing input" }
        return b.unsupportedReason(x.spec.dataType, device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        try box(inputDims: x.spec.dims).encode(encoder, from: x, to: outputs[0])
    }
}
