import GPUCore

/// Pad with mode constant, reflect, edge or wrap (opset 19). Before opset 11 pads and the value are
/// attributes; from 11 they are inputs (pads and constant_value, plus axes from 18), all plan-time.
/// Negative pads crop. GPU: float32.
public struct PadOperator: Operator {
    enum Mode: Int, Sendable { case constant = 0, reflect, edge, wrap }

    let mode: Mode
    /// pads and value from attributes (opset < 11), or nil when they are inputs.
    let attributes: (pads: [Int], value: Float)?

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Pad", opsets: 2...21, types: allTypes, gpu: .some("float32")) { node, opset in
            let name = try node.string("mode", default: "constant")
            let allowed = opset >= 19 ? ["constant", "reflect", "edge", "wrap"] : ["constant", "reflect", "edge"]
            guard allowed.contains(name), let mode = Mode(rawValue: ["constant", "reflect", "edge", "wrap"].firstIndex(of: name) ?? -1) else {
                throw ModelError.invalidAttributeValue(node: node.label, attribute: "mode",
                                                       reason: "must be one of \(allowed.joined(separator: ", ")) at opset \(opset), not \(name)")
            }
            let attributes = opset < 11 ? (try node.ints("pads"), try node.float("value", default: 0)) : nil
            return PadOperator(mode: mode, attributes: attributes)
        }]
    }

    public var planTimeInputs: [Int] { attributes == nil ? [1, 2, 3] : [] }

    /// Begin and end pads for every axis.
    func pads(dims: [Int], pads given: [Int]?, axes: [Int]?) throws -> (begins: [Int], ends: [Int]) {
        guard let given else { throw OperatorError.missingInput(1) }
        let rank = dims.count
        let axisList = try normalizedAxes(axes ?? Array(0..<rank), rank: rank)
        guard given.count == 2 * axisList.count else {
            throw OperatorError.invalid("Pad has \(given.count) pads for \(axisList.count) axes of \(dims); it needs \(2 * axisList.count) (all begins, then all ends)")
        }
        var begins = [Int](repeating: 0, count: rank), ends = begins
        for (i, axis) in axisList.enumerated() {
            begins[axis] = given[i]
            ends[axis] = given[i + axisList.count]
        }
        return (begins, ends)
    }

    func pads(_ dims: [Int], _ values: (Int) throws -> [Int]?) throws -> (begins: [Int], ends: [Int]) {
        if let attributes { return try pads(dims: dims, pads: attributes.pads, axes: nil) }
        return try pads(dims: dims, pads: values(1), axes: values(3))
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let (begins, ends) = try pads(x.spec.dims) { try planValue(inputs, $0, "Pad's \(["", "pads", "constant_value", "axes"][$0])").map(integers) }
        // Pads come from the model: add them without trapping on overflow.
        let sums = x.spec.dims.indices.map { i -> Int? in
            let (withBegin, o1) = x.spec.dims[i].addingReportingOverflow(begins[i])
            let (total, o2) = withBegin.addingReportingOverflow(ends[i])
            return o1 || o2 ? nil : total
        }
        guard !sums.contains(nil) else { throw OperatorError.invalid("Pad of \(x.spec.dims) by begins \(begins) ends \(ends) is too large") }
        let dims = sums.compactMap { $0 }
        guard dims.allSatisfy({ $0 >= 0 }) else {
            throw OperatorError.invalid("Pad of \(x.spec.dims) by begins \(begins) ends \(ends) crops below zero")
        }
        for (axis, n) in x.spec.dims.enumerated() where n == 0 && dims[axis] > 0 && mode != .constant {
            throw OperatorError.invalid("Pad mode \(mode) cannot fill axis \(axis) of \(x.spec.dims): it is empty")
        }
        return [TensorSpec(x.spec.dataType, try checkedDims(dims, "Pad of \(x.spec.dims)"))]
    }

    /// The input index output index `o` reads along an axis of size `n`, or nil for the constant.
    func sourceIndex(_ o: Int, begin: Int, size n: Int) -> Int? {
        let s = o - begin
        if s >= 0 && s < n { return s }
        switch mode {
        case .constant: return nil
        case .edge: return min(max(s, 0), n - 1)
        case .wrap: return ((s % n) + n) % n
        case .reflect:
            guard n > 1 else { return 0 }
            let period = 2 * (n - 1)
            let m = ((s % period) + period) % period
            return m < n ? m : period - m
        }
    }

    /// The constant as one element of `dataType`: input 2 (opset 11+), else the `value` attribute.
    func constantElement(_ dataType: DataType, _ value: TensorData?) throws -> TensorData {
        if let value {
            guard value.dataType == dataType, value.elementCount == 1 else {
                throw OperatorError.invalid("Pad's constant_value must be one \(dataType) element, not \(value.dataType) \(value.dims)")
            }
            return try value.reshaped([1])
        }
        let v = attributes?.value ?? 0
        return dataType.isFloatingPoint ? try TensorData(floats: [v], dims: [1], as: dataType)
                                        : try TensorData(int64s: [Int64(exactly: v.rounded(.towardZero)) ?? 0], dims: [1], as: dataType)
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let (begins, _) = try pads(x.dims) { present(inputs, $0).map(integers) }
        // The constant is appended after the input's elements so one gather builds the output.
        let constant = try constantElement(x.dataType, attributes == nil ? present(inputs, 2) : nil)
        let source = try TensorData(dataType: x.dataType, dims: [x.elementCount + 1], bytes: x.bytes + constant.bytes)
        let out = outputs[0].dims
        let inStrides = Shapes.strides(x.dims)
        var indices: [Int] = []
        indices.reserveCapacity(outputs[0].elementCount)
        var index = [Int](repeating: 0, count: out.count)
        for _ in 0..<outputs[0].elementCount {
            var offset: Int? = 0
            for d in out.indices {
                guard let s = sourceIndex(index[d], begin: begins[d], size: x.dims[d]), let o = offset else { offset = nil; break }
                offset = o + s * inStrides[d]
            }
            indices.append(offset ?? x.elementCount)
            var d = out.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < out[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return [try source.gathering(indices, dims: out)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard outputs[0].dataType == .float32 else { return "GPU kernel is float32 only" }
        return outputs[0].rank > 6 ? "rank \(outputs[0].rank) exceeds 6" : nil
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let known = { (i: Int) throws -> [Int]? in
            guard present(inputs, i) != nil else { return nil }
            guard let value = present(constants, i) else { throw OperatorError.invalid("Pad input \(i) must be known when planning to run on the GPU") }
            return integers(value)
        }
        let (begins, _) = try pads(x.spec.dims, known)
        let hasConstantInput = attributes == nil && present(inputs, 2) != nil
        if hasConstantInput && present(constants, 2) == nil { throw OperatorError.invalid("Pad's constant_value must be known when planning to run on the GPU") }
        let value = try constantElement(x.spec.dataType, hasConstantInput ? present(constants, 2) : nil).floats()[0]
        let kernel = try encoder.kernel("pad.comp", ["MODE": String(mode.rawValue)], bindings: 2, pushBytes: 84)
        let scalar = x.spec.dims.isEmpty
        var push = PushConstants()
        push.append(outputs[0].spec.elementCount); push.append(scalar ? 1 : x.spec.rank); push.append(value)
        for array in [scalar ? [1] : outputs[0].spec.dims, scalar ? [1] : x.spec.dims] {
            for i in 0..<6 { push.append(i < array.count ? array[i] : 0) }
        }
        for i in 0..<6 { push.append(Int32(clamping: i < begins.count ? begins[i] : 0)) }
        try encoder.dispatch(kernel, [x.read, outputs[0].write], push: push, count: outputs[0].spec.elementCount)
    }
}
