import Foundation
import GPUCore

/// ConvTranspose: X [N, C, D1…], W [C, M/group, k1…], optional B [M]. The CPU reference scatters
/// every input element through the kernel (the definition); the GPU kernel gathers, each output
/// element summing the input positions that land on it (no atomics), for 1-D and 2-D float32.
public struct ConvTransposeOperator: Operator {
    public let attributes: ConvAttributes
    public let outputPadding: [Int]?
    public let outputShape: [Int]?

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("ConvTranspose", opsets: 1...21, types: floatTypes, gpu: .some("float32, 1-D and 2-D; 3-D on the CPU")) { node, _ in
            try ConvTransposeOperator(node: node)
        }]
    }

    public init(node: Node) throws {
        attributes = try ConvAttributes(node: node)
        outputPadding = node.hasAttribute("output_padding") ? try node.ints("output_padding") : nil
        outputShape = node.hasAttribute("output_shape") ? try node.ints("output_shape") : nil
        let limit = ConvAttributes.limit
        if let outputPadding, outputPadding.contains(where: { $0 < 0 || $0 > limit }) {
            throw ModelError.invalidAttributeValue(node: node.label, attribute: "output_padding", reason: "values must be between 0 and \(limit), got \(outputPadding)")
        }
        if let outputShape, outputShape.contains(where: { $0 < 0 || $0 > limit }) {
            throw ModelError.invalidAttributeValue(node: node.label, attribute: "output_shape", reason: "values must be between 0 and \(limit), got \(outputShape)")
        }
    }

    struct Layout {
        var dataType: DataType
        var batch: Int, inChannels: Int, outChannels: Int, groups: Int
        var geometry: ConvGeometry
        var inPerGroup: Int { inChannels / groups }
        var outPerGroup: Int { outChannels / groups }
        var outputDims: [Int] { [batch, outChannels] + geometry.output }
    }

    func shapes(_ inputs: [PlanInput?]) throws -> Layout {
        guard let x = inputs.first??.spec else { throw OperatorError.missingInput(0) }
        guard inputs.count > 1, let w = inputs[1]?.spec else { throw OperatorError.missingInput(1) }
        guard x.dataType.isFloatingPoint else { throw OperatorError.unsupportedType(input: 0, x.dataType) }
        guard w.dataType == x.dataType else { throw OperatorError.invalid("X is \(x.dataType) but W is \(w.dataType)") }
        guard x.rank >= 3 else { throw OperatorError.invalid("X \(x.dims) needs rank ≥ 3 (N, C, spatial…)") }
        guard w.rank == x.rank else { throw OperatorError.invalid("W \(w.dims) must have the rank of X \(x.dims)") }
        let groups = attributes.groups
        guard x.dims[1] % groups == 0 else {
            throw OperatorError.invalid("group \(groups) does not divide the input channels \(x.dims[1]) (X \(x.dims))")
        }
        guard w.dims[0] == x.dims[1] else {
            throw OperatorError.invalid("X has \(x.dims[1]) channels but W \(w.dims) starts with \(w.dims[0]); ConvTranspose weights are [C, M/group, k…]")
        }
        let geometry = try ConvGeometry.transposed(attributes, input: Array(x.dims.dropFirst(2)), weightSpatial: Array(w.dims.dropFirst(2)),
                                                   outputPadding: outputPadding, outputShape: outputShape)
        let m = w.dims[1] * groups
        if inputs.count > 2, let bias = inputs[2]?.spec, bias.dims != [m] || bias.dataType != x.dataType {
            throw OperatorError.invalid("bias B is \(bias) but must be \(x.dataType) [\(m)] (one value per output channel)")
        }
        return Layout(dataType: x.dataType, batch: x.dims[0], inChannels: x.dims[1], outChannels: m, groups: groups, geometry: geometry)
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        let s = try shapes(inputs)
        return [TensorSpec(s.dataType, s.outputDims)]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        let s = try shapes(inputs.map { $0.map { PlanInput(spec: TensorSpec($0.dataType, $0.dims)) } })
        guard let xData = inputs[0], let wData = inputs[1] else { throw OperatorError.missingInput(0) }
        let x = xData.floats(), w = wData.floats()
        let bias = inputs.count > 2 ? inputs[2]?.floats() : nil
        let g = s.geometry
        let inSpatial = g.input.reduce(1, *), outSpatial = g.output.reduce(1, *), kernelSize = g.kernel.reduce(1, *)
        let outStrides = Shapes.strides(g.output)
        var y = [Float](repeating: 0, count: s.batch * s.outChannels * outSpatial)
        // Scatter: input position i and kernel tap k reach output position i·stride − pad + k·dilation.
        for i in 0..<inSpatial {
            let inIndex = ConvOperator.unravel(i, g.input)
            for k in 0..<kernelSize {
                let kIndex = ConvOperator.unravel(k, g.kernel)
                var offset = 0
                var inside = true
                for axis in 0..<g.spatialRank {
                    let o = inIndex[axis] * g.strides[axis] - g.padBegin[axis] + kIndex[axis] * g.dilations[axis]
                    if o < 0 || o >= g.output[axis] { inside = false; break }
                    offset += o * outStrides[axis]
                }
                guard inside else { continue }
                for n in 0..<s.batch {
                    for c in 0..<s.inChannels {
                        let group = c / s.inPerGroup
                        let value = x[(n * s.inChannels + c) * inSpatial + i]
                        for ocg in 0..<s.outPerGroup {
                            let oc = group * s.outPerGroup + ocg
                            y[(n * s.outChannels + oc) * outSpatial + offset] += value * w[(c * s.outPerGroup + ocg) * kernelSize + k]
                        }
                    }
                }
            }
        }
        if let bias {
            for n in 0..<s.batch {
                for oc in 0..<s.outChannels {
                    for o in 0..<outSpatial { y[(n * s.outChannels + oc) * outSpatial + o] += bias[oc] }
                }
            }
        }
        return [try TensorData(floats: y, dims: s.outputDims, as: xData.dataType)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let s = try? shapes(inputs) else { return "invalid inputs" }
        guard s.dataType == .float32 else { return "GPU kernel is float32 only" }
        guard s.geometry.spatialRank <= 2 else { return "\(s.geometry.spatialRank)-D ConvTranspose runs on the CPU" }
        guard s.geometry.fitsShaderArithmetic else { return "strides, dilations or pads too large for 32-bit index arithmetic" }
        if let reason = KernelLimits.reason(inputs.compactMap { $0?.spec } + outputs, device: device) { return reason }
        return nil
    }

    private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        let s = try shapes(inputs.map { $0.map { PlanInput(spec: $0.spec) } })
        guard let x = inputs[0], let w = inputs[1] else { throw OperatorError.missingInput(0) }
        let out = outputs[0]
        guard !out.spec.isZeroSized else { return }
        let bias = inputs.count > 2 ? inputs[2] : nil
        let kernel = try encoder.kernel("conv_transpose.comp", bias == nil ? [:] : ["HAS_BIAS": ""], bindings: 4, pushBytes: 76)
        let g = s.geometry
        let twoD = g.spatialRank == 2
        let last = g.spatialRank - 1
        var push = PushConstants()
        for value in [s.batch, s.inChannels, twoD ? g.input[0] : 1, g.input[last], s.outChannels,
                      twoD ? g.output[0] : 1, g.output[last], twoD ? g.kernel[0] : 1, g.kernel[last]] {
            push.append(value)
        }
        // Pads may be negative here (SAME_* with a large stride), hence signed.
        for value in [twoD ? g.strides[0] : 1, g.strides[last], twoD ? g.dilations[0] : 1, g.dilations[last],
                      twoD ? g.padBegin[0] : 0, g.padBegin[last]] {
            push.append(Int32(value))
        }
        push.append(s.inPerGroup); push.append(s.outPerGroup)
        // Kernel indices k and k + step reach outputs a whole number of strides apart.
        func step(_ stride: Int, _ dilation: Int) -> Int { stride / gcd(stride, dilation) }
        push.append(twoD ? step(g.strides[0], g.dilations[0]) : 1); push.append(step(g.strides[last], g.dilations[last]))
        try encoder.dispatch(kernel, [x.read, w.read, (bias ?? w).read, out.write], push: push, count: out.spec.elementCount)
    }
}
