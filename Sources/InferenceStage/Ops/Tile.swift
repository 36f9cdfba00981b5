import GPUCore

/// Tile: repeat the input `repeats[i]` times along each axis. The GPU copy views the output as
/// [r0, d0, r1, d1, ...] and reads the input with stride 0 along the repeat axes; axes with one
/// repeat or size 1 drop out, so most tiles fit the copy kernel's rank.
public struct TileOperator: Operator {
    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Tile", opsets: 6...21, types: allTypes, gpu: .all) { _, _ in TileOperator() }]
    }

    public var planTimeInputs: [Int] { [1] }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        guard let repeats = try planValue(inputs, 1, "Tile's repeats").map(integers) else { throw OperatorError.missingInput(1) }
        guard repeats.count == x.spec.rank, repeats.allSatisfy({ $0 >= 0 }) else {
            throw OperatorError.invalid("Tile repeats \(repeats) must be \(x.spec.rank) non-negative counts, one per axis of \(x.spec.dims)")
        }
        let products = zip(x.spec.dims, repeats).map { $0.multipliedReportingOverflow(by: $1) }
        let dims = products.map(\.partialValue)
        guard !products.contains(where: \.overflow), ShapeMath.elementCount(dims) != nil else {
            throw OperatorError.invalid("Tile of \(x.spec.dims) by \(repeats) is too large")
        }
        return [TensorSpec(x.spec.dataType, dims)]
    }

    static func box(_ input: [Int], _ output: [Int]) -> CopyBox {
        let inStrides = Shapes.strides(input), outStrides = Shapes.strides(output)
        var box = CopyBox(dims: [], source: [], destination: [])
        for i in input.indices {
            let repeats = input[i] == 0 ? 0 : output[i] / input[i]
            box.dims += [repeats, input[i]]
            box.source += [0, inStrides[i]]
            box.destination += [input[i] * outStrides[i], outStrides[i]]
        }
        return box
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        // Row-major over the output: output index o reads input index o mod d on every axis.
        let out = outputs[0].dims
        let inStrides = Shapes.strides(x.dims)
        let count = out.reduce(1, *)
        var sources = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: out.count)
        for o in 0..<count {
            sources[o] = index.indices.reduce(0) { $0 + (index[$1] % x.dims[$1]) * inStrides[$1] }
            var d = out.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < out[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return [try x.gathering(sources, dims: out)]
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
