import GPUCore

/// Slice: starts/ends/axes as attributes before opset 10, as inputs (with steps) from 10. Bounds
/// are clamped as ONNX says; a negative step walks backwards, which the GPU copy does with a
/// negative source stride.
public struct SliceOperator: Operator {
    /// starts, ends, axes from attributes (opset < 10), or nil when they are inputs.
    let attributes: (starts: [Int], ends: [Int], axes: [Int]?)?

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Slice", opsets: 1...21, types: allTypes, gpu: .all) { node, opset in
            guard opset < 10 else { return SliceOperator(attributes: nil) }
            return SliceOperator(attributes: (try node.ints("starts"), try node.ints("ends"),
                                              node.hasAttribute("axes") ? try node.ints("axes") : nil))
        }]
    }

    public var planTimeInputs: [Int] { attributes == nil ? [1, 2, 3, 4] : [] }

    /// Per input axis: first index, step, and count.
    struct Ranges {
        var starts: [Int], steps: [Int], counts: [Int]
    }

    func ranges(dims: [Int], _ values: (Int) throws -> [Int]?) throws -> Ranges {
        let starts: [Int], ends: [Int], axesGiven: [Int]?, stepsGiven: [Int]?
        if let attributes {
            (starts, ends, axesGiven, stepsGiven) = (attributes.starts, attributes.ends, attributes.axes, nil)
        } else {
            guard let s = try values(1) else { throw OperatorError.missingInput(1) }
            guard let e = try values(2) else { throw OperatorError.missingInput(2) }
            (starts, ends, axesGiven, stepsGiven) = (s, e, try values(3), try values(4))
        }
        let steps = stepsGiven ?? [Int](repeating: 1, count: starts.count)
        guard ends.count == starts.count, (axesGiven ?? starts).count == starts.count, steps.count == starts.count else {
            throw OperatorError.invalid("Slice starts \(starts), ends \(ends), axes \(axesGiven ?? []) and steps \(steps) differ in length")
        }
        let axes = try normalizedAxes(axesGiven ?? Array(0..<starts.count), rank: dims.count)
        var r = Ranges(starts: [Int](repeating: 0, count: dims.count), steps: [Int](repeating: 1, count: dims.count), counts: dims)
        for (i, axis) in axes.enumerated() {
            let n = dims[axis]
            guard steps[i] != 0 else { throw OperatorError.invalid("Slice step 0 for axis \(axis) is not allowed") }
            // A step beyond the axis picks at most one element either way; bounding it keeps
            // stride × step from overflowing.
            let step = steps[i] > 0 ? min(steps[i], max(n, 1)) : max(steps[i], -max(n, 1))
            // Negative indices count from the end; then clamp ([0, n] forwards, [-1, n-1] backwards).
            func resolve(_ v: Int) -> Int {
                let w = v < 0 ? v.addingReportingOverflow(n).partialValue : v
                return step > 0 ? min(max(w, 0), n) : min(max(w, -1), n - 1)
            }
            let start = resolve(starts[i]), end = resolve(ends[i])
            let count = step > 0 ? (end <= start ? 0 : (end - start - 1) / step + 1)
                                 : (start <= end ? 0 : (start - end - 1) / -step + 1)
            r.starts[axis] = start
            r.steps[axis] = step
            r.counts[axis] = max(count, 0)
        }
        return r
    }

    func ranges(_ inputs: [PlanInput?]) throws -> Ranges {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        return try ranges(dims: x.spec.dims) { try planValue(inputs, $0, "Slice's \(["", "starts", "ends", "axes", "steps"][$0])").map(integers) }
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        return [TensorSpec(x.spec.dataType, try ranges(inputs).counts)]
    }

    static func box(dims: [Int], _ r: Ranges) -> CopyBox {
        let strides = Shapes.strides(dims)
        let empty = r.counts.contains(0)
        return CopyBox(dims: r.counts, source: zip(strides, r.steps).map { $0 * $1 }, destination: Shapes.strides(r.counts),
                       sourceBase: empty ? 0 : zip(strides, r.starts).map { $0 * $1 }.reduce(0, +))
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let r = try ranges(dims: x.dims) { present(inputs, $0).map(integers) }
        let b = Self.box(dims: x.dims, r)
        return [try x.gathering(Shapes.offsets(dims: b.dims, strides: b.source, base: b.sourceBase), dims: r.counts)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = present(inputs, 0), let r = try? ranges(inputs) else { return "Slice bounds are known only at run time" }
        return Self.box(dims: x.spec.dims, r).unsupportedReason(x.spec.dataType, device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let r = try ranges(dims: x.spec.dims) { index in
            guard present(inputs, index) != nil else { return nil }
            guard let value = present(constants, index) else {
                throw OperatorError.invalid("Slice input \(index) must be known when planning to run on the GPU")
            }
            return integers(value)
        }
        try Self.box(dims: x.spec.dims, r).encode(encoder, from: x, to: outputs[0])
    }
}
