import GPUCore

/// ONNX's auto_pad attribute, shared by Conv and ConvTranspose.
public enum AutoPad: String, Sendable {
    case notSet = "NOTSET"
    case sameUpper = "SAME_UPPER"
    case sameLower = "SAME_LOWER"
    case valid = "VALID"
}

/// The spatial attributes Conv and ConvTranspose share, parsed once from a node. Lists that are
/// absent are nil and default per spatial axis once the input rank is known.
public struct ConvAttributes: Sendable, Equatable {
    public var kernelShape: [Int]?
    public var strides: [Int]?
    public var dilations: [Int]?
    /// Begin pads for every spatial axis, then end pads (ONNX order).
    public var pads: [Int]?
    public var autoPad: AutoPad
    public var groups: Int

    public init(node: Node) throws {
        let label = node.label
        func positive(_ name: String) throws -> [Int]? {
            guard node.hasAttribute(name) else { return nil }
            let values = try node.ints(name)
            guard values.allSatisfy({ $0 >= 1 && $0 <= Self.limit }) else {
                throw ModelError.invalidAttributeValue(node: label, attribute: name, reason: "values must be between 1 and \(Self.limit), got \(values)")
            }
            return values
        }
        kernelShape = try positive("kernel_shape")
        strides = try positive("strides")
        dilations = try positive("dilations")
        if node.hasAttribute("pads") {
            let values = try node.ints("pads")
            guard values.allSatisfy({ $0 >= 0 && $0 <= Self.limit }), values.count % 2 == 0 else {
                throw ModelError.invalidAttributeValue(node: label, attribute: "pads",
                                                       reason: "needs an even number of values between 0 and \(Self.limit) (begins then ends), got \(values)")
            }
            pads = values
        }
        let autoPadText = try node.string("auto_pad", default: "NOTSET")
        guard let parsed = AutoPad(rawValue: autoPadText) else {
            throw ModelError.invalidAttributeValue(node: label, attribute: "auto_pad",
                                                   reason: "must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, not '\(autoPadText)'")
        }
        autoPad = parsed
        groups = try node.int("group", default: 1)
        guard groups >= 1 && groups <= Self.limit else {
            throw ModelError.invalidAttributeValue(node: label, attribute: "group", reason: "must be between 1 and \(Self.limit), got \(groups)")
        }
    }

    /// Largest stride, dilation, pad or size an attribute may hold: products of a few of them then
    /// stay far from Int's range, so index arithmetic cannot overflow.
    public static let limit = 1 << 24

    /// Per-axis list `values` checked against the spatial rank, or `fallback` on every axis.
    func perAxis(_ values: [Int]?, _ name: String, spatialRank: Int, fallback: Int) throws -> [Int] {
        guard let values else { return [Int](repeating: fallback, count: spatialRank) }
        guard values.count == spatialRank else {
            throw OperatorError.invalid("\(name) has \(values.count) values but the input has \(spatialRank) spatial axes")
        }
        return values
    }

    /// Kernel spatial dims: the weight's, checked against kernel_shape when that is given.
    func kernel(weightSpatial: [Int]) throws -> [Int] {
        if let kernelShape, kernelShape != weightSpatial {
            throw OperatorError.invalid("kernel_shape \(kernelShape) disagrees with the weight's spatial dims \(weightSpatial)")
        }
        return weightSpatial
    }

    func explicitPads(spatialRank: Int) throws -> (begin: [Int], end: [Int]) {
        guard let pads else { return ([Int](repeating: 0, count: spatialRank), [Int](repeating: 0, count: spatialRank)) }
        guard pads.count == 2 * spatialRank else {
            throw OperatorError.invalid("pads has \(pads.count) values but needs \(2 * spatialRank) for \(spatialRank) spatial axes")
        }
        return (Array(pads[..<spatialRank]), Array(pads[spatialRank...]))
    }
}

/// A convolution's resolved geometry along every spatial axis.
public struct ConvGeometry: Sendable, Equatable {
    public var input: [Int]
    public var kernel: [Int]
    public var output: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    public var padBegin: [Int]
    public var padEnd: [Int]

    public var spatialRank: Int { input.count }

    /// Whether the shaders' 32-bit signed index arithmetic (position × stride ± pad + tap ×
    /// dilation) stays in range for this geometry.
    public var fitsShaderArithmetic: Bool {
        let bound = 1 << 30
        return (0..<spatialRank).allSatisfy { axis in
            let extent = (kernel[axis] - 1) * dilations[axis] + 1
            // Compared by division so huge dims cannot overflow the check itself.
            return input[axis] < bound / strides[axis] && output[axis] < bound / strides[axis]
                && extent < bound && abs(padBegin[axis]) < bound && abs(padEnd[axis]) < bound
        }
    }

    /// Conv's geometry: output sizes and the pads auto_pad implies.
    public static func forward(_ attributes: ConvAttributes, input: [Int], weightSpatial: [Int]) throws -> ConvGeometry {
        let rank = input.count
        let kernel = try attributes.kernel(weightSpatial: weightSpatial)
        let strides = try attributes.perAxis(attributes.strides, "strides", spatialRank: rank, fallback: 1)
        let dilations = try attributes.perAxis(attributes.dilations, "dilations", spatialRank: rank, fallback: 1)
        var (begin, end) = try attributes.explicitPads(spatialRank: rank)
        var output = [Int](repeating: 0, count: rank)
        for axis in 0..<rank {
            let extent = (kernel[axis] - 1) * dilations[axis] + 1
            switch attributes.autoPad {
            case .notSet:
                let span = input[axis] + begin[axis] + end[axis] - extent
                guard span >= 0 else {
                    throw OperatorError.invalid("kernel extent \(extent) on spatial axis \(axis) exceeds the padded input size \(input[axis] + begin[axis] + end[axis]) (input \(input))")
                }
                output[axis] = span / strides[axis] + 1
            case .valid:
                begin[axis] = 0; end[axis] = 0
                let span = input[axis] - extent
                guard span >= 0 else {
                    throw OperatorError.invalid("auto_pad VALID: kernel extent \(extent) on spatial axis \(axis) exceeds the input size \(input[axis])")
                }
                output[axis] = span / strides[axis] + 1
            case .sameUpper, .sameLower:
                output[axis] = (input[axis] + strides[axis] - 1) / strides[axis]
                let total = max(0, (output[axis] - 1) * strides[axis] + extent - input[axis])
                // The odd pad goes at the end for SAME_UPPER, at the beginning for SAME_LOWER.
                let small = total / 2
                begin[axis] = attributes.autoPad == .sameUpper ? small : total - small
                end[axis] = total - begin[axis]
            }
        }
        return ConvGeometry(input: input, kernel: kernel, output: output, strides: strides, dilations: dilations,
                            padBegin: begin, padEnd: end)
    }

    /// ConvTranspose's geometry. When output_shape is given (explicit pads are then ignored, as the
    /// ONNX spec says), or auto_pad is SAME_* without explicit pads (output = input × stride), the
    /// pads follow from the total padding: the odd one goes at the end for SAME_UPPER, else at the
    /// beginning. The halving floors, as onnx's Python reference does, so a negative total (an
    /// output larger than the input can reach) pads the end; a negative pad only shifts the window.
    public static func transposed(_ attributes: ConvAttributes, input: [Int], weightSpatial: [Int],
                                  outputPadding: [Int]?, outputShape: [Int]?) throws -> ConvGeometry {
        let rank = input.count
        let kernel = try attributes.kernel(weightSpatial: weightSpatial)
        let strides = try attributes.perAxis(attributes.strides, "strides", spatialRank: rank, fallback: 1)
        let dilations = try attributes.perAxis(attributes.dilations, "dilations", spatialRank: rank, fallback: 1)
        // Older exporters write output_padding for begin and end; only the first half counts.
        let extra = try attributes.perAxis(outputPadding.map { $0.count == 2 * rank ? Array($0.prefix(rank)) : $0 },
                                           "output_padding", spatialRank: rank, fallback: 0)
        var (begin, end) = try attributes.explicitPads(spatialRank: rank)
        var target: [Int]? = nil
        if let outputShape {
            guard outputShape.count >= rank, outputShape.suffix(rank).allSatisfy({ $0 >= 0 }) else {
                throw OperatorError.invalid("output_shape \(outputShape) needs \(rank) spatial sizes ≥ 0")
            }
            target = Array(outputShape.suffix(rank))
        }
        let derivePads = target != nil || (attributes.pads == nil && (attributes.autoPad == .sameUpper || attributes.autoPad == .sameLower))
        var output = [Int](repeating: 0, count: rank)
        for axis in 0..<rank {
            let extent = (kernel[axis] - 1) * dilations[axis] + 1
            let (scaled, overflow) = strides[axis].multipliedReportingOverflow(by: input[axis])
            guard !overflow, scaled < Int(Int32.max) else {
                throw OperatorError.invalid("input size \(input[axis]) × stride \(strides[axis]) on spatial axis \(axis) is too large an output")
            }
            let full = scaled - strides[axis] + extra[axis] + extent
            if derivePads {
                output[axis] = target?[axis] ?? scaled
                let total = full - output[axis]
                // Floor division keeps the split right for negative totals too.
                let small = Int((Double(total) / 2).rounded(.down))
                begin[axis] = attributes.autoPad == .sameUpper ? small : total - small
                end[axis] = total - begin[axis]
            } else {
                if attributes.autoPad == .valid { begin[axis] = 0; end[axis] = 0 }
                output[axis] = full - begin[axis] - end[axis]
                guard output[axis] >= 0 else {
                    throw OperatorError.invalid("pads \(begin[axis])+\(end[axis]) on spatial axis \(axis) exceed the \(full) output positions")
                }
            }
        }
        return ConvGeometry(input: input, kernel: kernel, output: output, strides: strides, dilations: dilations,
                            padBegin: begin, padEnd: end)
    }
}
