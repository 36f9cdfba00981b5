/// Where each window of a MaxPool / AveragePool sits: kernel, strides, dilations and the pads that
/// `auto_pad` or `pads` give, resolved against the input's spatial dims.
struct PoolGeometry: Sendable, Equatable {
    var inputSpatial: [Int]
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    var padsBegin: [Int]
    var padsEnd: [Int]
    var outputSpatial: [Int]

    /// Parsed attributes, not yet tied to an input.
    struct Attributes: Sendable, Equatable {
        var kernel: [Int]
        var strides: [Int]?
        var dilations: [Int]?
        var pads: [Int]?
        var autoPad: String
        var ceilMode: Bool

        init(node: Node) throws {
            kernel = try node.ints("kernel_shape")
            strides = node.hasAttribute("strides") ? try node.ints("strides") : nil
            dilations = node.hasAttribute("dilations") ? try node.ints("dilations") : nil
            pads = node.hasAttribute("pads") ? try node.ints("pads") : nil
            autoPad = try node.string("auto_pad", default: "NOTSET")
            ceilMode = try node.int("ceil_mode", default: 0) != 0
            let label = node.label
            guard ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"].contains(autoPad) else {
                throw ModelError.invalidAttributeValue(node: label, attribute: "auto_pad", reason: "must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, not \(autoPad)")
            }
            guard !kernel.isEmpty, kernel.allSatisfy({ $0 > 0 }) else {
                throw ModelError.invalidAttributeValue(node: label, attribute: "kernel_shape", reason: "must be positive sizes, got \(kernel)")
            }
            let checks: [(String, [Int]?, Int, Bool)] = [
                ("strides", strides, kernel.count, true), ("dilations", dilations, kernel.count, true), ("pads", pads, 2 * kernel.count, false),
            ]
            for (name, values, count, positive) in checks {
                guard let values else { continue }
                guard values.count == count else {
                    throw ModelError.invalidAttributeValue(node: label, attribute: name, reason: "has \(values.count) values, kernel_shape \(kernel) needs \(count)")
                }
                guard values.allSatisfy({ positive ? $0 > 0 : $0 >= 0 }) else {
                    throw ModelError.invalidAttributeValue(node: label, attribute: name, reason: "must be \(positive ? "positive" : "non-negative"), got \(values)")
                }
            }
        }
    }

}

extension PoolGeometry {
    /// Resolves `attributes` for an input of shape [N, C, spatial...].
    init(_ attributes: Attributes, inputDims: [Int]) throws {
        let rank = attributes.kernel.count
        guard inputDims.count == rank + 2 else {
            throw OperatorError.invalid("input \(inputDims) needs rank \(rank + 2) for kernel_shape \(attributes.kernel) ([N, C] then \(rank) spatial dims)")
        }
        inputSpatial = Array(inputDims.dropFirst(2))
        kernel = attributes.kernel
        strides = attributes.strides ?? Array(repeating: 1, count: rank)
        dilations = attributes.dilations ?? Array(repeating: 1, count: rank)
        padsBegin = Array(repeating: 0, count: rank)
        padsEnd = Array(repeating: 0, count: rank)
        outputSpatial = Array(repeating: 0, count: rank)
        for d in 0..<rank {
            let input = inputSpatial[d], stride = strides[d]
            let window = (kernel[d] - 1) * dilations[d] + 1
            switch attributes.autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                let out = (input + stride - 1) / stride
                let total = max(0, (out - 1) * stride + window - input)
                let small = total / 2
                padsBegin[d] = attributes.autoPad == "SAME_UPPER" ? small : total - small
                padsEnd[d] = total - padsBegin[d]
                outputSpatial[d] = out
            case "VALID":
                outputSpatial[d] = input >= window ? (input - window) / stride + 1 : 0
            default:
                if let pads = attributes.pads {
                    padsBegin[d] = pads[d]
                    padsEnd[d] = pads[rank + d]
                }
                let span = input + padsBegin[d] + padsEnd[d] - window
                guard span >= 0 else {
                    throw OperatorError.invalid("window \(window) (kernel \(kernel[d]), dilation \(dilations[d])) is larger than padded input dim \(input + padsBegin[d] + padsEnd[d]) of \(inputDims)")
                }
                var out = (attributes.ceilMode ? (span + stride - 1) / stride : span / stride) + 1
                // As in PyTorch and onnx's reference: a last window that would start past the
                // input and its leading pad is dropped.
                if attributes.ceilMode && (out - 1) * stride >= input + padsBegin[d] { out -= 1 }
                outputSpatial[d] = out
            }
        }
    }

    /// Input positions of window `outIndex` along axis `d`, each with whether it lies inside
    /// the input (outside positions are padding).
    func windowPositions(axis d: Int, outIndex: Int) -> [Int] {
        let start = outIndex * strides[d] - padsBegin[d]
        return (0..<kernel[d]).map { start + $0 * dilations[d] }
    }

    /// Number of positions along axis `d` that count_include_pad counts: inside input or pads.
    func paddedCount(axis d: Int, outIndex: Int) -> Int {
        windowPositions(axis: d, outIndex: outIndex).filter { $0 >= -padsBegin[d] && $0 < inputSpatial[d] + padsEnd[d] }.count
    }
}
