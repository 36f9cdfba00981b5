import GPUCore

/// Conv's GPU path: conv2d.comp (tiled direct convolution) or conv2d_depthwise.comp (one input
/// channel per group), both float32 and 1-D or 2-D; 1-D runs as 2-D with height 1.
extension ConvOperator {
    /// conv2d.comp's workgroup tile: output channels (WG_OC × TILE_OC) by pixels (WG_PIX × TILE_PIX)
    /// of 64 invocations each owning 4 × 4 outputs. Groups of at most 4 output channels use a
    /// 4 × 256 tile instead of 16 × 64, which would leave three quarters of it idle.
    struct Tile: Equatable {
        let channels: Int, pixels: Int
        static let wide = Tile(channels: 16, pixels: 64)
        static let narrow = Tile(channels: 4, pixels: 256)
        var defines: [String: String] { self == .narrow ? ["WG_OC": "1", "WG_PIX": "64"] : [:] }
    }

    func tileFor(_ s: Layout) -> Tile { s.outPerGroup <= Tile.narrow.channels ? .narrow : .wide }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let s = try? shapes(inputs) else { return "invalid inputs" }
        guard s.dataType == .float32 else { return "GPU kernel is float32 only" }
        guard s.geometry.spatialRank <= 2 else { return "\(s.geometry.spatialRank)-D convolution runs on the CPU" }
        guard s.geometry.fitsShaderArithmetic else { return "strides, dilations or pads too large for 32-bit index arithmetic" }
        if let reason = KernelLimits.reason(inputs.compactMap { $0?.spec } + outputs, device: device) { return reason }
        let pixels = s.geometry.output.reduce(1, *)
        let maxGroups = min(device.maxWorkgroupCount.min() ?? 65_535, 65_535)
        if !isDepthwise(s) {
            let tile = tileFor(s)
            let channelTiles = (s.outPerGroup + tile.channels - 1) / tile.channels
            if (pixels + tile.pixels - 1) / tile.pixels > maxGroups || s.groups * channelTiles > maxGroups || s.batch > maxGroups {
                return "output \(outputs[0].dims) needs more workgroups than one dispatch allows"
            }
        }
        return nil
    }

    func isDepthwise(_ s: Layout) -> Bool { s.inPerGroup == 1 && s.groups > 1 }

    /// 1×1 kernel, stride 1, no padding: every output pixel reads the same input pixel.
    func isPointwise(_ s: Layout) -> Bool {
        let g = s.geometry
        return g.kernel.allSatisfy { $0 == 1 } && g.strides.allSatisfy { $0 == 1 }
            && g.padBegin.allSatisfy { $0 == 0 } && g.padEnd.allSatisfy { $0 == 0 }
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        let s = try shapes(inputs.map { $0.map { PlanInput(spec: $0.spec) } })
        guard let x = inputs[0], let w = inputs[1] else { throw OperatorError.missingInput(0) }
        let out = outputs[0]
        guard !out.spec.isZeroSized else { return }
        let bias = inputs.count > 2 ? inputs[2] : nil
        let residual = inputs.count > 3 ? inputs[3] : nil
        var defines = ["ACTIVATION": activation.glsl]
        if bias != nil { defines["HAS_BIAS"] = "" }
        if residual != nil { defines["HAS_RESIDUAL"] = "" }
        let depthwise = isDepthwise(s)
        let tile = tileFor(s)
        if !depthwise {
            defines.merge(tile.defines) { $1 }
            if isPointwise(s) { defines["POINTWISE"] = "" }
        }
        let kernel = try encoder.kernel(depthwise ? "conv2d_depthwise.comp" : "conv2d.comp", defines, bindings: 5, pushBytes: 80)

        // 1-D: height 1 with no padding or stride along it.
        let g = s.geometry
        let twoD = g.spatialRank == 2
        let (h, wIn) = twoD ? (g.input[0], g.input[1]) : (1, g.input[0])
        let (oh, ow) = twoD ? (g.output[0], g.output[1]) : (1, g.output[0])
        let (kh, kw) = twoD ? (g.kernel[0], g.kernel[1]) : (1, g.kernel[0])
        let last = g.spatialRank - 1
        let channelTiles = (s.outPerGroup + tile.channels - 1) / tile.channels
        var push = PushConstants()
        for value in [s.batch, s.inChannels, h, wIn, s.outChannels, oh, ow, kh, kw] { push.append(value) }
        for value in [twoD ? g.strides[0] : 1, g.strides[last], twoD ? g.dilations[0] : 1, g.dilations[last],
                      twoD ? g.padBegin[0] : 0, g.padBegin[last]] {
            push.append(Int32(value))
        }
        push.append(s.inPerGroup); push.append(s.outPerGroup); push.append(channelTiles)
        let (a, b) = activation.parameters
        push.append(a); push.append(b)

        // Absent optional inputs bind the weights as a dummy the shader never reads.
        let bindings = [x.read, w.read, (bias ?? w).read, (residual ?? w).read, out.write]
        if depthwise {
            // conv2d_depthwise.comp: one invocation per ROW_PIXELS (4) outputs of a row.
            let runs = (ow + 3) / 4
            try encoder.dispatch(kernel, bindings, push: push, count: s.batch * s.outChannels * oh * runs)
        } else {
            let pixelTiles = (oh * ow + tile.pixels - 1) / tile.pixels
            try encoder.dispatch(kernel, bindings, push: push, groups: (pixelTiles, s.groups * channelTiles, s.batch))
        }
    }
}
