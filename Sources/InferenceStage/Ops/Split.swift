import GPUCore

/// Split along `axis` into the node's outputs. Sizes come from the `split` attribute (before
/// opset 13) or input 1 (from 13), else `num_outputs` (opset 18: the last part may be smaller),
/// else equal parts. On the GPU each output is one strided copy.
public struct SplitOperator: Operator {
    let axis: Int
    let outputCount: Int
    let splitAttribute: [Int]?
    let numOutputs: Int?

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Split", opsets: 2...21, types: allTypes, gpu: .all) { node, opset in
            let count = node.outputs.count
            let numOutputs = opset >= 18 && node.hasAttribute("num_outputs") ? try node.int("num_outputs") : nil
            if let numOutputs, numOutputs != count {
                throw ModelError.invalidAttributeValue(node: node.label, attribute: "num_outputs",
                                                       reason: "is \(numOutputs) but the node has \(count) outputs")
            }
            return SplitOperator(axis: try node.int("axis", default: 0), outputCount: count,
                                 splitAttribute: opset < 13 && node.hasAttribute("split") ? try node.ints("split") : nil,
                                 numOutputs: numOutputs)
        }]
    }

    public var planTimeInputs: [Int] { splitAttribute == nil ? [1] : [] }

    func sizes(total: Int, given: [Int]?) throws -> [Int] {
        if let given {
            guard given.count == outputCount else {
                throw OperatorError.invalid("split \(given) has \(given.count) sizes but the node has \(outputCount) outputs")
            }
            guard given.allSatisfy({ $0 >= 0 }), given.reduce(0, +) == total else {
                throw OperatorError.invalid("split sizes \(given) must be non-negative and add up to the axis size \(total)")
            }
            return given
        }
        guard outputCount > 0 else { throw OperatorError.invalid("Split has no outputs") }
        if numOutputs != nil {
            let part = (total + outputCount - 1) / outputCount
            return (0..<outputCount).map { max(0, min(part, total - $0 * part)) }
        }
        guard total % outputCount == 0 else {
            throw OperatorError.invalid("axis size \(total) does not split into \(outputCount) equal parts; give split sizes")
        }
        return [Int](repeating: total / outputCount, count: outputCount)
    }

    func layout(_ inputs: [PlanInput?]) throws -> (axis: Int, sizes: [Int], spec: TensorSpec) {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        guard x.spec.rank > 0 else { throw OperatorError.invalid("Split cannot split a scalar (rank 0)") }
        let a = try Shapes.normalizeAxis(axis, rank: x.spec.rank)
        // Some exporters pass an empty `split` input to mean "not given".
        let given = try splitAttribute ?? planValue(inputs, 1, "Split's sizes").map(integers).flatMap { $0.isEmpty ? nil : $0 }
        return (a, try sizes(total: x.spec.dims[a], given: given), x.spec)
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        let (a, sizes, spec) = try layout(inputs)
        return sizes.map { size in
            var dims = spec.dims
            dims[a] = size
            return TensorSpec(spec.dataType, dims)
        }
    }

    func boxes(input: [Int], outputs: [TensorSpec]) throws -> [CopyBox] {
        let a = try Shapes.normalizeAxis(axis, rank: input.count)
        let inStrides = Shapes.strides(input)
        var position = 0
        return outputs.map { out in
            defer { position += out.dims[a] }
            return CopyBox(dims: out.dims, source: inStrides, destination: Shapes.strides(out.dims), sourceBase: position * inStrides[a])
        }
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        return try zip(outputs, boxes(input: x.dims, outputs: outputs)).map { out, box in
            try x.gathering(Shapes.offsets(dims: box.dims, strides: box.source, base: box.sourceBase), dims: out.dims)
        }
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = present(inputs, 0), let all = try? boxes(input: x.spec.dims, outputs: outputs) else { return "invalid inputs" }
        return all.unsupportedReason(x.spec.dataType, device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        for (out, box) in zip(outputs, try boxes(input: x.spec.dims, outputs: outputs.map(\.spec))) {
            try box.encode(encoder, from: x, to: out)
        }
    }
}
