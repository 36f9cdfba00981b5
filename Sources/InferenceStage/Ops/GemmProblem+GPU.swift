import GPUCore

/// GPU encoding of a `GemmProblem` in float32: `matmul.comp` (shared-memory tiles) in general,
/// `gemv.comp` when M == 1 (a transformer's decode step: memory-bound, so it spreads the output
/// columns over many workgroups and splits K inside each).
extension GemmProblem {
    /// The most batch dims the kernels decompose (push-constant room).
    static let maxBatchRank = 4
    /// Output tile of one `matmul.comp` workgroup (passed to the shader as TILE_M / TILE_N).
    static let tileM = 64, tileN = 64
    /// Columns per `gemv.comp` workgroup: few columns with K split wide when B's K is contiguous
    /// (reads along K coalesce), many columns otherwise (reads along N coalesce).
    static let gemvKContiguous = (columns: 4, kSplit: 64)
    static let gemvNContiguous = (columns: 32, kSplit: 8)

    var usesGEMV: Bool { m == 1 }

    /// The same product as the kernels run it: a column result (N == 1) becomes a row result by
    /// swapping the operands' roles (out[m] = Σ B[k]·A[m, k]; the output layout is identical), so
    /// it takes the GEMV path too; batch dims of size 1 are dropped and batch dims that every
    /// operand walks contiguously are merged, so fewer push-constant slots are needed.
    var forKernels: GemmProblem {
        var p = self
        if n == 1 && m > 1 {
            p.m = 1; p.n = m
            (p.aRow, p.aCol, p.bRow, p.bCol) = (0, bRow, aCol, aRow)
            (p.aBatchStrides, p.bBatchStrides) = (bBatchStrides, aBatchStrides)
            if let biasRow { (p.biasRow, p.biasCol) = (0, biasRow) }
        }
        p.mergeBatchDims()
        return p
    }

    private mutating func mergeBatchDims() {
        var dims: [Int] = [], strides: [[Int]] = [[], [], []]
        let operands = [aBatchStrides, bBatchStrides, hasBias ? biasBatchStrides : batchDims.map { _ in 0 }]
        for d in batchDims.indices where batchDims[d] != 1 {
            // Axis d continues the previous kept axis when each operand's stride there is this
            // axis's stride times its size (0 stays 0 for broadcast operands).
            if let last = dims.indices.last, operands.indices.allSatisfy({ strides[$0][last] == operands[$0][d] * batchDims[d] }) {
                dims[last] *= batchDims[d]
                for o in operands.indices { strides[o][last] = operands[o][d] }
            } else {
                dims.append(batchDims[d])
                for o in operands.indices { strides[o].append(operands[o][d]) }
            }
        }
        batchDims = dims
        (aBatchStrides, bBatchStrides, biasBatchStrides) = (strides[0], strides[1], strides[2])
    }

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
        let kernelProblem = forKernels
        if kernelProblem.batchDims.count > Self.maxBatchRank { return "more than \(Self.maxBatchRank) batch dims after merging contiguous ones" }
        return kernelProblem.kernelLimitReason(sizes: sizes, device: device)
    }

    private func kernelLimitReason(sizes: [Int], device: DeviceCapabilities) -> String? {
        if sizes.contains(where: { $0 > Int(UInt32.max) }) { return "tensor too large for 32-bit GPU indexing" }
        let g = groups
        // Batches beyond the z limit are dispatched in chunks.
        for (axis, count) in [g.x, g.y].enumerated() where count > device.maxWorkgroupCount[axis] {
            return "needs \(count) workgroups along axis \(axis), device allows \(device.maxWorkgroupCount[axis])"
        }
        return nil
    }

    /// Records the product. `threadColumns` overrides the per-invocation columns of `matmul.comp`
    /// (4 or 8; chosen from the device when nil) so tests can run both variants on one device.
    func encode(_ encoder: KernelEncoder, a: GPUValue, b: GPUValue, bias: GPUValue?, output: GPUValue, threadColumns: Int? = nil) throws {
        guard outputCount > 0 else { return }
        let p = forKernels
        guard p.batchDims.count <= Self.maxBatchRank else { throw OperatorError.invalid("more than \(Self.maxBatchRank) batch dims for the GPU") }
        // A swapped problem reads B as its A operand.
        let swapped = p.m != m
        try p.encodeKernel(encoder, a: swapped ? b : a, b: swapped ? a : b, bias: bias, output: output, threadColumns: threadColumns)
    }

    private func encodeKernel(_ encoder: KernelEncoder, a: GPUValue, b: GPUValue, bias: GPUValue?, output: GPUValue, threadColumns: Int?) throws {
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
            defines["TILE_M"] = String(Self.tileM)
            defines["TILE_N"] = String(Self.tileN)
            // CPU implementations (lavapipe) run a workgroup's invocations as SIMD loops, so fewer
            // invocations with more outputs each cost less there; GPUs want the occupancy of 8×4.
            defines["THREAD_M"] = "8"
            defines["THREAD_N"] = String(threadColumns ?? (encoder.capabilities.kind == .cpu ? 8 : 4))
        }
        let kernel = try encoder.kernel(shader, defines, bindings: hasBias ? 4 : 3, pushBytes: 116)
        var bindings = [a.read, b.read, output.write]
        if let bias { bindings.append(bias.read) }
        let g = groups
        let chunk = max(1, encoder.capabilities.maxWorkgroupCount[2])
        for first in stride(from: 0, to: g.z, by: chunk) {
            try encoder.dispatch(kernel, bindings, push: pushConstants(firstBatch: first), groups: (g.x, g.y, min(chunk, g.z - first)))
        }
    }

    /// Layout of both shaders' `Params` block.
    func pushConstants(firstBatch: Int) -> PushConstants {
        var push = PushConstants()
        push.append(m); push.append(n); push.append(k); push.append(batchDims.count)
        for array in [batchDims, aBatchStrides, bBatchStrides, hasBias ? biasBatchStrides : []] {
            for i in 0..<Self.maxBatchRank { push.append(i < array.count ? array[i] : 0) }
        }
        for value in [aRow, aCol, bRow, bCol, biasRow ?? 0, biasCol] { push.append(value) }
        push.append(alpha); push.append(beta); push.append(firstBatch)
        return push
    }
}
