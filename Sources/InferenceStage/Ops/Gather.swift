import GPUCore

/// Gather along `axis` with int32 or int64 indices (negative ones count from the end). Indices
/// known when planning are checked then, and the error names the index and the axis size; the
/// GPU kernel clamps indices that arrive at run time so that it never reads out of bounds.
public struct GatherOperator: Operator {
    let axis: Int

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Gather", opsets: 1...21, types: allTypes, gpu: .all) { node, _ in
            GatherOperator(axis: try node.int("axis", default: 0))
        }]
    }

    struct Layout {
        var axis: Int, outer: Int, axisSize: Int, inner: Int, indexCount: Int
    }

    func layout(data: [Int], indices: [Int]) throws -> Layout {
        guard !data.isEmpty else { throw OperatorError.invalid("Gather needs data of rank 1 or more, not a scalar") }
        let a = try Shapes.normalizeAxis(axis, rank: data.count)
        return Layout(axis: a, outer: data[..<a].reduce(1, *), axisSize: data[a], inner: data[(a + 1)...].reduce(1, *),
                      indexCount: indices.reduce(1, *))
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let data = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        guard let indices = present(inputs, 1) else { throw OperatorError.missingInput(1) }
        guard indices.spec.dataType == .int64 || indices.spec.dataType == .int32 else {
            throw OperatorError.invalid("Gather indices must be int32 or int64, not \(indices.spec.dataType)")
        }
        let l = try layout(data: data.spec.dims, indices: indices.spec.dims)
        if let known = indices.constant { _ = try resolved(known, l) }
        let dims = Array(data.spec.dims[..<l.axis]) + indices.spec.dims + Array(data.spec.dims[(l.axis + 1)...])
        return [TensorSpec(data.spec.dataType, try checkedDims(dims, "Gather's output"))]
    }

    /// Indices made non-negative; an out-of-range one is an error naming it and the axis size.
    func resolved(_ indices: TensorData, _ l: Layout) throws -> [Int] {
        try indices.int64s().map { value in
            guard value >= -Int64(l.axisSize), value < Int64(l.axisSize) else {
                throw OperatorError.invalid("Gather index \(value) is out of range for axis \(l.axis) of size \(l.axisSize) (allowed \(-l.axisSize)...\(l.axisSize - 1))")
            }
            return value < 0 ? Int(value) + l.axisSize : Int(value)
        }
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let data = present(inputs, 0), let indices = present(inputs, 1) else { throw OperatorError.missingInput(1) }
        let l = try layout(data: data.dims, indices: indices.dims)
        let positions = try resolved(indices, l)
        var sources: [Int] = []
        sources.reserveCapacity(outputs[0].elementCount)
        for outer in 0..<l.outer {
            for index in positions {
                let base = (outer * l.axisSize + index) * l.inner
                sources.append(contentsOf: base..<(base + l.inner))
            }
        }
        return [try data.gathering(sources, dims: outputs[0].dims)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let data = present(inputs, 0), let indices = present(inputs, 1),
              let l = try? layout(data: data.spec.dims, indices: indices.spec.dims) else { return "missing input" }
        if l.axisSize == 0 && outputs[0].elementCount > 0 { return "axis \(l.axis) has size 0, so every index is out of range" }
        for value in [outputs[0].elementCount, data.spec.elementCount] where value > Int(Int32.max) {
            return "tensor too large for 32-bit GPU indexing"
        }
        return StridedCopy.unsupportedReason(rank: 1, dataType: data.spec.dataType, device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let data = present(inputs, 0), let indices = present(inputs, 1) else { throw OperatorError.missingInput(1) }
        let l = try layout(data: data.spec.dims, indices: indices.spec.dims)
        if let known = present(constants, 1) { _ = try resolved(known, l) }
        var defines = ["ELEM_BYTES": String(data.spec.dataType.byteSize)]
        if indices.spec.dataType == .int64 { defines["INDEX_INT64"] = "" }
        let kernel = try encoder.kernel("gather.comp", defines, bindings: 3, pushBytes: 16)
        var push = PushConstants()
        push.append(outputs[0].spec.elementCount); push.append(l.indexCount); push.append(l.axisSize); push.append(l.inner)
        try encoder.dispatch(kernel, [data.read, indices.read, outputs[0].write], push: push, count: outputs[0].spec.elementCount)
    }
}
