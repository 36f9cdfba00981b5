import GPUCore

/// Operators that only relabel dims: Reshape, Flatten, Squeeze, Unsqueeze, Identity and inference
/// Dropout. Output 0 aliases input 0's bytes, so no kernel runs; when the planner cannot alias
/// (the output is a caller's buffer), `encodeGPU` copies the bytes.
public struct ReshapeOperator: Operator {
    enum Form: Sendable {
        case reshape(allowZero: Bool)
        case flatten(axis: Int)
        /// Axes from the attribute (before opset 13) or nil when they come from input 1.
        case squeeze(axes: [Int]?)
        case unsqueeze(axes: [Int]?)
        case identity
        /// The mask output (all ones in inference) is produced on the CPU; before opset 10 it has
        /// the data's type, from 10 it is bool.
        case dropout(maskWanted: Bool, boolMask: Bool)
    }

    let form: Form

    public static var registrations: [OperatorRegistration] {
        [
            OperatorRegistration("Reshape", opsets: 5...21, types: allTypes, gpu: .all) { node, opset in
                ReshapeOperator(form: .reshape(allowZero: try node.int("allowzero", default: 0) != 0 && opset >= 14))
            },
            OperatorRegistration("Flatten", opsets: 1...21, types: allTypes, gpu: .all) { node, _ in
                ReshapeOperator(form: .flatten(axis: try node.int("axis", default: 1)))
            },
            OperatorRegistration("Squeeze", opsets: 1...21, types: allTypes, gpu: .all) { node, opset in
                ReshapeOperator(form: .squeeze(axes: opset < 13 ? try node.ints("axes", default: []) : nil))
            },
            OperatorRegistration("Unsqueeze", opsets: 1...21, types: allTypes, gpu: .all) { node, opset in
                ReshapeOperator(form: .unsqueeze(axes: opset < 13 ? try node.ints("axes") : nil))
            },
            OperatorRegistration("Identity", opsets: 1...21, types: allTypes, gpu: .all) { _, _ in
                ReshapeOperator(form: .identity)
            },
            OperatorRegistration("Dropout", opsets: 7...21, types: allTypes, gpu: .some("without mask output")) { node, opset in
                let maskWanted = node.outputs.count > 1 && !node.outputs[1].isEmpty
                return ReshapeOperator(form: .dropout(maskWanted: maskWanted, boolMask: opset >= 10))
            },
        ]
    }

    public var planTimeInputs: [Int] {
        switch form {
        case .reshape: return [1]
        case .squeeze(let axes), .unsqueeze(let axes): return axes == nil ? [1] : []
        case .dropout: return [2]
        case .flatten, .identity: return []
        }
    }

    public var aliasedInput: Int? {
        if case .dropout(true, _) = form { return nil }
        return 0
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let data = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let dims = data.spec.dims
        switch form {
        case .reshape(let allowZero):
            guard let shape = try planValue(inputs, 1, "Reshape's shape") else { throw OperatorError.missingInput(1) }
            return [TensorSpec(data.spec.dataType, try Self.reshapedDims(dims, integers(shape), allowZero: allowZero))]
        case .flatten(let axis):
            guard axis >= -dims.count, axis <= dims.count else {
                throw OperatorError.invalid("Flatten axis \(axis) is out of range for rank \(dims.count) (allowed \(-dims.count)...\(dims.count))")
            }
            let split = axis < 0 ? axis + dims.count : axis
            return [TensorSpec(data.spec.dataType, [dims[..<split].reduce(1, *), dims[split...].reduce(1, *)])]
        case .squeeze(let attribute):
            let axes = try attribute ?? planValue(inputs, 1, "Squeeze's axes").map(integers)
            return [TensorSpec(data.spec.dataType, try Self.squeezedDims(dims, axes: axes ?? []))]
        case .unsqueeze(let attribute):
            guard let axes = try attribute ?? planValue(inputs, 1, "Unsqueeze's axes").map(integers) else {
                throw OperatorError.missingInput(1)
            }
            return [TensorSpec(data.spec.dataType, try Self.unsqueezedDims(dims, axes: axes))]
        case .identity:
            return [data.spec]
        case let .dropout(maskWanted, boolMask):
            if let training = try planValue(inputs, 2, "Dropout's training_mode"), training.int64s().first ?? 0 != 0 {
                throw OperatorError.invalid("Dropout in training mode is not supported (Sluice runs inference); set training_mode to false")
            }
            return maskWanted ? [data.spec, TensorSpec(boolMask ? .bool : data.spec.dataType, dims)] : [data.spec]
        }
    }

    /// ONNX Reshape: 0 copies the input's dim (unless allowzero), one -1 takes what is left.
    static func reshapedDims(_ dims: [Int], _ shape: [Int], allowZero: Bool) throws -> [Int] {
        let count = dims.reduce(1, *)
        let problem = { (why: String) in OperatorError.invalid("cannot reshape \(dims) (\(count) elements) to \(shape): \(why)") }
        var out: [Int] = []
        var inferred: Int?
        for (i, value) in shape.enumerated() {
            switch value {
            case -1:
                guard inferred == nil else { throw problem("more than one -1") }
                inferred = i
                out.append(1)
            case 0 where !allowZero:
                guard i < dims.count else { throw problem("0 at position \(i) copies a dim the input does not have") }
                out.append(dims[i])
            case let v where v < 0:
                throw problem("negative dim \(v)")
            default:
                out.append(value)
            }
        }
        if allowZero, inferred != nil, shape.contains(0) { throw problem("allowzero forbids 0 together with -1") }
        guard let known = ShapeMath.elementCount(out) else { throw problem("the element count overflows") }
        if let i = inferred {
            guard known > 0 else { throw problem("-1 is ambiguous when the other dims hold no elements") }
            guard count % known == 0 else { throw problem("the other dims (product \(known)) do not divide the element count") }
            out[i] = count / known
        } else if known != count {
            throw problem("the new shape holds \(known) elements")
        }
        return out
    }

    static func squeezedDims(_ dims: [Int], axes: [Int]) throws -> [Int] {
        if axes.isEmpty { return dims.filter { $0 != 1 } }
        let drop = Set(try normalizedAxes(axes, rank: dims.count))
        for axis in drop where dims[axis] != 1 {
            throw OperatorError.invalid("cannot squeeze axis \(axis) of \(dims): its size is \(dims[axis]), not 1")
        }
        return dims.indices.filter { !drop.contains($0) }.map { dims[$0] }
    }

    static func unsqueezedDims(_ dims: [Int], axes: [Int]) throws -> [Int] {
        let rank = dims.count + axes.count
        let inserted = Set(try normalizedAxes(axes, rank: rank))
        var rest = dims.makeIterator()
        return (0..<rank).map { inserted.contains($0) ? 1 : rest.next() ?? 1 }
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let data = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        var results = [try data.reshaped(outputs[0].dims)]
        if outputs.count > 1 {
            results.append(try TensorData(int64s: [Int64](repeating: 1, count: data.elementCount), dims: outputs[1].dims, as: outputs[1].dataType))
        }
        return results
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        if outputs.count > 1 { return "Dropout's mask output is made on the CPU" }
        return CopyBox.contiguous(outputs[0].elementCount).unsupportedReason(outputs[0].dataType, device: device)
    }

    /// Only runs when the planner did not alias the output (for instance a caller's output buffer).
    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let data = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let out = outputs[0]
        if data.buffer === out.buffer && data.offset == out.offset { return }
        try CopyBox.contiguous(out.spec.elementCount).encode(encoder, from: data, to: out)
    }
}
