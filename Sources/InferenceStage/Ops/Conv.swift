import Foundation
import GPUCore

/// Conv (ONNX) and FusedConv (com.sluice: Conv, then an optional residual Add, then an optional
/// activation, in one kernel). Inputs: X [N, C, D1…], W [M, C/group, k1…], optional B [M], and for
/// FusedConv an optional residual [N, M, O1…] added before the activation.
/// The GPU runs 1-D and 2-D float32 convolutions; 3-D runs on the CPU reference.
public struct ConvOperator: Operator {
    public let attributes: ConvAttributes
    public let activation: FusedActivation
    /// FusedConv accepts the residual input (index 3).
    public let fused: Bool

    public static let gpuCoverage = GPUCoverage.some("float32, 1-D and 2-D; 3-D on the CPU")

    public static var registrations: [OperatorRegistration] {
        [
            OperatorRegistration("Conv", opsets: 1...21, types: floatTypes, gpu: gpuCoverage) { node, _ in
                try ConvOperator(node: node, fused: false)
            },
            OperatorRegistration("FusedConv", domain: "com.sluice", opsets: 1...1, types: floatTypes, gpu: gpuCoverage) { node, _ in
                try ConvOperator(node: node, fused: true)
            },
        ]
    }

    public init(node: Node, fused: Bool) throws {
        attributes = try ConvAttributes(node: node)
        self.fused = fused
        if fused {
            activation = try FusedActivation(name: try node.string("activation", default: ""),
                                             parameters: try node.floats("activation_params", default: []), node: node.label)
        } else {
            activation = .none
        }
    }

    /// Validated shapes of one application.
    struct Layout {
        var dataType: DataType
        var batch: Int, inChannels: Int, outChannels: Int
        var geometry: ConvGeometry
        var inPerGroup: Int { inChannels / groups }
        var outPerGroup: Int { outChannels / groups }
        var groups: Int
        var outputDims: [Int] { [batch, outChannels] + geometry.output }
    }

    func shapes(x: TensorSpec, w: TensorSpec, bias: TensorSpec?, residual: TensorSpec?) throws -> Layout {
        guard x.dataType.isFloatingPoint else { throw OperatorError.unsupportedType(input: 0, x.dataType) }
        guard w.dataType == x.dataType else { throw OperatorError.invalid("X is \(x.dataType) but W is \(w.dataType)") }
        guard x.rank >= 3 else { throw OperatorError.invalid("X \(x.dims) needs rank ≥ 3 (N, C, spatial…)") }
        guard w.rank == x.rank else { throw OperatorError.invalid("W \(w.dims) must have the rank of X \(x.dims)") }
        let groups = attributes.groups
        let (c, m) = (x.dims[1], w.dims[0])
        guard c % groups == 0, m % groups == 0 else {
            throw OperatorError.invalid("group \(groups) must divide the input channels \(c) and the output channels \(m) (X \(x.dims), W \(w.dims))")
        }
        guard w.dims[1] * groups == c else {
            throw OperatorError.invalid("X has \(c) channels but W \(w.dims) expects \(w.dims[1]) per group × \(groups) group(s) = \(w.dims[1] * groups)")
        }
        let geometry = try ConvGeometry.forward(attributes, input: Array(x.dims.dropFirst(2)), weightSpatial: Array(w.dims.dropFirst(2)))
        let result = Layout(dataType: x.dataType, batch: x.dims[0], inChannels: c, outChannels: m, geometry: geometry, groups: groups)
        if let bias, bias.dims != [m] || bias.dataType != x.dataType {
            throw OperatorError.invalid("bias B is \(bias) but must be \(x.dataType) [\(m)] (one value per output channel)")
        }
        if let residual, residual.dims != result.outputDims || residual.dataType != x.dataType {
            throw OperatorError.invalid("residual input is \(residual) but must be \(x.dataType) \(result.outputDims), the output's shape")
        }
        return result
    }

    func shapes(_ inputs: [PlanInput?]) throws -> Layout {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard inputs.count > 1, let w = inputs[1] else { throw OperatorError.missingInput(1) }
        if !fused && inputs.count > 3 { throw OperatorError.invalid("Conv takes at most 3 inputs, got \(inputs.count)") }
        return try shapes(x: x.spec, w: w.spec, bias: inputs.count > 2 ? inputs[2]?.spec : nil,
                          residual: inputs.count > 3 ? inputs[3]?.spec : nil)
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        let s = try shapes(inputs)
        return [TensorSpec(s.dataType, s.outputDims)]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        let plan = inputs.map { $0.map { PlanInput(spec: TensorSpec($0.dataType, $0.dims)) } }
        let s = try shapes(plan)
        guard let xData = inputs[0], let wData = inputs[1] else { throw OperatorError.missingInput(0) }
        let x = xData.floats(), w = wData.floats()
        let bias = inputs.count > 2 ? inputs[2]?.floats() : nil
        let residual = inputs.count > 3 ? inputs[3]?.floats() : nil
        let g = s.geometry
        let inSpatial = g.input.reduce(1, *), outSpatial = g.output.reduce(1, *), kernelSize = g.kernel.reduce(1, *)
        var y = [Float](repeating: 0, count: s.batch * s.outChannels * outSpatial)
        for o in 0..<outSpatial {
            let taps = Self.tapOffsets(g, outputPosition: o)
            for n in 0..<s.batch {
                for oc in 0..<s.outChannels {
                    let group = oc / s.outPerGroup
                    var sum: Float = bias?[oc] ?? 0
                    for icg in 0..<s.inPerGroup {
                        let xBase = (n * s.inChannels + group * s.inPerGroup + icg) * inSpatial
                        let wBase = (oc * s.inPerGroup + icg) * kernelSize
                        for k in 0..<kernelSize where taps[k] >= 0 {
                            sum += x[xBase + taps[k]] * w[wBase + k]
                        }
                    }
                    let index = (n * s.outChannels + oc) * outSpatial + o
                    if let residual { sum += residual[index] }
                    y[index] = activation.apply(sum)
                }
            }
        }
        return [try TensorData(floats: y, dims: s.outputDims, as: xData.dataType)]
    }

    /// For each kernel position, the input spatial offset that output position `o` reads there,
    /// or -1 where the tap falls in the padding.
    static func tapOffsets(_ g: ConvGeometry, outputPosition o: Int) -> [Int] {
        let kernelSize = g.kernel.reduce(1, *)
        let inStrides = Shapes.strides(g.input)
        let outIndex = unravel(o, g.output)
        return (0..<kernelSize).map { k in
            let kIndex = unravel(k, g.kernel)
            var offset = 0
            for axis in 0..<g.spatialRank {
                let i = outIndex[axis] * g.strides[axis] - g.padBegin[axis] + kIndex[axis] * g.dilations[axis]
                if i < 0 || i >= g.input[axis] { return -1 }
                offset += i * inStrides[axis]
            }
            return offset
        }
    }

    static func unravel(_ flat: Int, _ dims: [Int]) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: dims.count)
        for axis in stride(from: dims.count - 1, through: 0, by: -1) {
            index[axis] = rest % dims[axis]
            rest /= dims[axis]
        }
        return index
    }
}
