import Foundation
import GPUCore

/// Unary float operators: one CPU formula and one GLSL expression each, so CPU and GPU agree by
/// construction of the table (and the tests check it).
public struct UnaryOperator: Operator {
    public struct Kind: Sendable {
        public let opType: String
        public let glsl: String
        public let cpu: @Sendable (Float, Float, Float) -> Float
        /// Attribute names and defaults that become alpha and beta.
        public let alpha: (String, Float)?
        public let beta: (String, Float)?
    }

    public let kind: Kind
    public let alpha: Float
    public let beta: Float
    /// Clip (opset ≥ 11) takes min and max as optional inputs 1 and 2.
    let boundsFromInputs: Bool

    public static let kinds: [Kind] = [
        Kind(opType: "Relu", glsl: "max(x, 0.0)", cpu: { x, _, _ in max(x, 0) }, alpha: nil, beta: nil),
        Kind(opType: "LeakyRelu", glsl: "x >= 0.0 ? x : alpha * x", cpu: { x, a, _ in x >= 0 ? x : a * x }, alpha: ("alpha", 0.01), beta: nil),
        Kind(opType: "Sigmoid", glsl: "sluice_sigmoid(x)", cpu: { x, _, _ in 1 / (1 + exp(-x)) }, alpha: nil, beta: nil),
        Kind(opType: "HardSigmoid", glsl: "clamp(alpha * x + beta, 0.0, 1.0)", cpu: { x, a, b in min(max(a * x + b, 0), 1) }, alpha: ("alpha", 0.2), beta: ("beta", 0.5)),
        Kind(opType: "HardSwish", glsl: "x * clamp(x / 6.0 + 0.5, 0.0, 1.0)", cpu: { x, _, _ in x * min(max(x / 6 + 0.5, 0), 1) }, alpha: nil, beta: nil),
        Kind(opType: "Tanh", glsl: "sluice_tanh(x)", cpu: { x, _, _ in tanh(x) }, alpha: nil, beta: nil),
        Kind(opType: "Exp", glsl: "exp(x)", cpu: { x, _, _ in exp(x) }, alpha: nil, beta: nil),
        Kind(opType: "Log", glsl: "log(x)", cpu: { x, _, _ in log(x) }, alpha: nil, beta: nil),
        Kind(opType: "Sqrt", glsl: "sqrt(x)", cpu: { x, _, _ in x.squareRoot() }, alpha: nil, beta: nil),
        Kind(opType: "Erf", glsl: "sluice_erf(x)", cpu: { x, _, _ in erf(x) }, alpha: nil, beta: nil),
        Kind(opType: "Abs", glsl: "abs(x)", cpu: { x, _, _ in abs(x) }, alpha: nil, beta: nil),
        Kind(opType: "Neg", glsl: "-x", cpu: { x, _, _ in -x }, alpha: nil, beta: nil),
        Kind(opType: "Reciprocal", glsl: "1.0 / x", cpu: { x, _, _ in 1 / x }, alpha: nil, beta: nil),
        Kind(opType: "Floor", glsl: "floor(x)", cpu: { x, _, _ in x.rounded(.down) }, alpha: nil, beta: nil),
        Kind(opType: "Ceil", glsl: "ceil(x)", cpu: { x, _, _ in x.rounded(.up) }, alpha: nil, beta: nil),
        Kind(opType: "Softplus", glsl: "log(exp(x) + 1.0)", cpu: { x, _, _ in log(exp(x) + 1) }, alpha: nil, beta: nil),
        Kind(opType: "Elu", glsl: "x >= 0.0 ? x : alpha * (exp(x) - 1.0)", cpu: { x, a, _ in x >= 0 ? x : a * (exp(x) - 1) }, alpha: ("alpha", 1), beta: nil),
        Kind(opType: "Clip", glsl: "clamp(x, alpha, beta)", cpu: { x, lo, hi in min(max(x, lo), hi) }, alpha: ("min", -Float.greatestFiniteMagnitude), beta: ("max", Float.greatestFiniteMagnitude)),
        Kind(opType: "Gelu", glsl: "GELU_FORM", cpu: { x, approximate, _ in
            approximate != 0 ? 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) : 0.5 * x * (1 + erf(x * 0.7071067811865476))
        }, alpha: nil, beta: nil),
    ]

    public static var registrations: [OperatorRegistration] {
        kinds.map { kind in
            OperatorRegistration(kind.opType, opsets: kind.opType == "Gelu" ? 20...21 : 1...21, types: floatTypes, gpu: .some("float32")) { node, opset in
                try UnaryOperator(kind: kind, node: node, opset: opset)
            }
        }
    }

    init(kind: Kind, node: Node, opset: Int) throws {
        self.kind = kind
        if kind.opType == "Gelu" {
            let approximation = try node.string("approximate", default: "none")
            guard approximation == "none" || approximation == "tanh" else {
                throw ModelError.invalidAttributeValue(node: node.label, attribute: "approximate", reason: "must be none or tanh, not \(approximation)")
            }
            alpha = approximation == "tanh" ? 1 : 0
            beta = 0
            boundsFromInputs = false
            return
        }
        alpha = try kind.alpha.map { try node.float($0.0, default: $0.1) } ?? 0
        beta = try kind.beta.map { try node.float($0.0, default: $0.1) } ?? 0
        boundsFromInputs = kind.opType == "Clip" && opset >= 11
    }

    public var planTimeInputs: [Int] { boundsFromInputs ? [1, 2] : [] }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard x.spec.dataType.isFloatingPoint else { throw OperatorError.unsupportedType(input: 0, x.spec.dataType) }
        return [x.spec]
    }

    /// Clip's bounds: attributes before opset 11, optional inputs after.
    func parameters(_ constants: [TensorData?]) -> (Float, Float) {
        guard boundsFromInputs else { return (alpha, beta) }
        let lo = constants.count > 1 ? constants[1]?.floats().first : nil
        let hi = constants.count > 2 ? constants[2]?.floats().first : nil
        return (lo ?? -Float.greatestFiniteMagnitude, hi ?? Float.greatestFiniteMagnitude)
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = inputs[0] else { throw OperatorError.missingInput(0) }
        let (a, b) = parameters(inputs)
        return [try TensorData(floats: x.floats().map { kind.cpu($0, a, b) }, dims: x.dims, as: x.dataType)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        if boundsFromInputs, inputs.dropFirst().contains(where: { $0 != nil && $0?.constant == nil }) {
            return "Clip bounds known only at run time"
        }
        return inputs[0]?.spec.dataType == .float32 ? nil : "GPU kernel is float32 only"
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = inputs[0] else { throw OperatorError.missingInput(0) }
        let expression = kind.opType == "Gelu" ? (alpha != 0 ? "sluice_gelu_tanh(x)" : "sluice_gelu_erf(x)") : kind.glsl
        let kernel = try encoder.kernel("unary.comp", ["OP": expression], bindings: 2, pushBytes: 12)
        let (a, b) = parameters(constants)
        var push = PushConstants()
        push.append(x.spec.elementCount); push.append(a); push.append(b)
        try encoder.dispatch(kernel, [x.read, outputs[0].write], push: push, count: x.spec.elementCount)
    }
}
