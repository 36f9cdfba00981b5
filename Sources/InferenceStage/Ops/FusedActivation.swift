import Foundation

/// An activation folded into a producing kernel (FusedConv's `activation` attribute), so the
/// graph fusion pass can drop the separate elementwise node. CPU and GLSL forms match the
/// standalone operators in Elementwise.swift.
public enum FusedActivation: Sendable, Equatable {
    case none
    case relu
    case clip(min: Float, max: Float)
    case hardSwish
    case sigmoid
    case leakyRelu(alpha: Float)

    /// The names FusedConv's `activation` attribute accepts ("" means none).
    public static let names = ["", "Relu", "Clip", "HardSwish", "Sigmoid", "LeakyRelu"]

    /// Parses `activation` and `activation_params` (Clip: min, max; LeakyRelu: alpha, default 0.01).
    public init(name: String, parameters: [Float], node: String) throws(ModelError) {
        func check(_ counts: ClosedRange<Int>) throws(ModelError) {
            guard counts.contains(parameters.count) else {
                throw .invalidAttributeValue(node: node, attribute: "activation_params",
                                             reason: "\(name) takes \(counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)") values, got \(parameters.count)")
            }
        }
        switch name {
        case "": try check(0...0); self = .none
        case "Relu": try check(0...0); self = .relu
        case "HardSwish": try check(0...0); self = .hardSwish
        case "Sigmoid": try check(0...0); self = .sigmoid
        case "LeakyRelu":
            try check(0...1)
            self = .leakyRelu(alpha: parameters.first ?? 0.01)
        case "Clip":
            try check(0...2)
            self = .clip(min: parameters.count > 0 ? parameters[0] : -Float.greatestFiniteMagnitude,
                         max: parameters.count > 1 ? parameters[1] : Float.greatestFiniteMagnitude)
        default:
            throw .invalidAttributeValue(node: node, attribute: "activation",
                                         reason: "'\(name)' is not one of \(Self.names.map { "'\($0)'" }.joined(separator: ", "))")
        }
    }

    public func apply(_ x: Float) -> Float {
        switch self {
        case .none: return x
        case .relu: return max(x, 0)
        case let .clip(lo, hi): return min(max(x, lo), hi)
        case .hardSwish: return x * min(max(x / 6 + 0.5, 0), 1)
        case .sigmoid: return 1 / (1 + exp(-x))
        case let .leakyRelu(alpha): return x >= 0 ? x : alpha * x
        }
    }

    /// GLSL expression of `v` with parameters `a` and `b` (see `parameters`).
    var glsl: String {
        switch self {
        case .none: return "v"
        case .relu: return "max(v, 0.0)"
        case .clip: return "clamp(v, a, b)"
        case .hardSwish: return "v * clamp(v / 6.0 + 0.5, 0.0, 1.0)"
        case .sigmoid: return "1.0 / (1.0 + exp(-v))"
        case .leakyRelu: return "(v >= 0.0 ? v : a * v)"
        }
    }

    /// The two floats the GLSL form reads as `a` and `b` (passed as push constants).
    var parameters: (Float, Float) {
        switch self {
        case let .clip(lo, hi): return (lo, hi)
        case let .leakyRelu(alpha): return (alpha, 0)
        default: return (0, 0)
        }
    }
}
