import GPUCore

/// GPU encoding of a `GemmProblem` in float32: `matmul.comp` (shared-memory tiles) in general,
/// `gemv.comp` when M == 1 (a transformer's decode step: memory-bound, so it spreads the output
/// columns over many workgroups and splits K inside each).
extension GemmProblem {
    /// The most batch dims the kernels decompose (push-constant room).
    static let maxBatchRank = 4
    /// Output tile of one `matmul.comp` workgroup; must match the shader's TILE_M / TILE_N.
    static let tileM = 64, tileN = 64
    /// Columns per `gemv.comp` workgroup: few columns with K split wide when B's K is contiguous
    /// (reads along K coalesce), many columns otherwise (reads along N coalesce).
    static let gemvKContiguous = (columns: 4, kSplit: 64)
    static let gemvNContiguous = (columns: 32, kSplit: 8)

    var usesGEMV: Bool { m == 1 }
    /// B's K axis is contiguous in memory (Gemm with transB, a 1-D B).
    var bKContiguous: Bool { bRow == 1 && k > 1 }

    var groups: (x: Int, y: Int, z: Int) {
        if usesGEMV {
            let columns = bKContiguous ? Self.gemvKContiguous.columns : Self.gemvNContiguous.columns
            return ((n + columns - 1) / columns, 1, batchCount)
        }
        return ((n + Self.tileN - 1) / Self.tileN, (m + Self.tileM - 1) / Self.tileM, batchCount)
    }

    /// Why the kernels cannot run this problem, or nil.
    func gpuUnsupportedReason(sizes: [Int], device: DeviceCapabilities) -> String? {
        if batchDims.count > Self.maxBatchRank { return "more than \(Self.maxBatchRank) batch dims" }
        if sizes.contains(where: { $0 > Int(UInt32.max) }) { return "tensor too large for 32-bit GPU indexing" }
        let g = groups
        for (axis, count) in [g.x, g.y, g.z].enumerated() where count > device.maxWorkgroupCount[axis] {
            return "needs \(count) workgroups along axis \(axis), device allows \(device.maxWorkgroupCount[axis])"
        }
        return nil
    }

    func encode(_ encoder: KernelEncoder, a: GPUValue, b: GPUValue, bias: GPUValue?, output: GPUValue) throws {
        guard outputCount > 0 else { return }
        var defines = ["ACTIVATION": activation.glslFunction]
        if hasBias { defines["HAS_BIAS"] = "" }
        let shader: String
        if usesGEMV {
            shader = "gemv.comp"
            let shape = bKContiguous ? Self.gemvKContiguous : Self.gemvNContiguous
            defines["GEMV_COLUMNS"] = String(shape.columns)
            defines["GEMV_KSPLIT"] = String(shape.kSplit)
            if bKContiguous { defines["K_CONTIGUOUS"] = "" }
        } else {
            shader = "matmul.comp"
        }
        let kernel = try encoder.kernel(shader, defines, bindings: hasBias ? 4 : 3, pushBytes: 112)
        var bindings = [a.read, b.read, output.write]
        if let bias { bindings.append(bias.read) }
        try encoder.dispatch(kernel, bindings, push: pushConstants(), groups: groups)
    }

    /// Layout of both shaders' `Params` block.
    func pushConstants() -> PushConstants {
        var push = PushConstants()
        push.append(m); push.append(n); push.append(k); push.append(batchDims.count)
        for array in [batchDims, aBatchStrides, bBatchStrides, hasBias ? biasBatchStrides : []] {
            for i in 0..<Self.maxBatchRank { push.append(i < array.count ? array[i] : 0) }
        }
        for value in [aRow, aCol, bRow, bCol, biasRow ?? 0, biasCol] { push.append(value) }
        push.append(alpha); push.append(beta)
        return push
    }
}
