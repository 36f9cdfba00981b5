import GPUCore

/// Records `layer_norm.comp` for LayerNormalization and InstanceNormalization: both normalise
/// contiguous rows of `length` elements and differ only in how scale and bias are indexed.
struct NormalizationKernel {
    enum ScaleIndexing {
        /// Scale and bias broadcast from the trailing axes of a row: element c uses `c % count`.
        case column(scaleCount: Int, biasCount: Int)
        /// One scale and bias per channel: row r uses `r % channels`.
        case channel(channels: Int)
    }

    let rows: Int
    let length: Int
    let epsilon: Float
    let indexing: ScaleIndexing

    func encode(_ encoder: KernelEncoder, x: GPUValue, scale: GPUValue, bias: GPUValue?, output: GPUValue) throws {
        guard rows > 0, length > 0 else { return }
        guard x.spec.elementCount <= Int(UInt32.max) else { throw OperatorError.invalid("tensor too large for 32-bit GPU indexing") }
        let workgroupSize = length <= 64 ? 64 : 256
        var defines = ["WG": String(workgroupSize)]
        if bias != nil { defines["HAS_BIAS"] = "" }
        var push = PushConstants()
        push.append(rows); push.append(length)
        switch indexing {
        case let .column(scaleCount, biasCount):
            push.append(scaleCount); push.append(biasCount); push.append(1)
        case let .channel(channels):
            defines["INSTANCE"] = ""
            push.append(channels); push.append(channels); push.append(channels)
        }
        push.append(epsilon)
        let kernel = try encoder.kernel("layer_norm.comp", defines, bindings: 4, pushBytes: 24)
        // Without a bias the kernel never reads binding 2; scale stands in so every binding is valid.
        let bindings = [x.read, scale.read, (bias ?? scale).read, output.write]
        let groupsX = min(rows, min(encoder.capabilities.maxWorkgroupCount[0], 65_535))
        try encoder.dispatch(kernel, bindings, push: push, groups: (groupsX, (rows + groupsX - 1) / groupsX, 1))
    }
}
