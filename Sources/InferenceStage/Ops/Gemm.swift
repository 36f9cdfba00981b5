import GPUCore

/// Gemm: Y = alpha · op(A) · op(B) + beta · C, op = transpose when transA / transB is set, C
/// optional and unidirectionally broadcast to [M, N]. Transposes become element strides, so no
/// copy is made.
public struct GemmOperator: Operator {
    public let transA: Bool
    public let transB: Bool
    public let alpha: Float
    public let beta: Float

    public init(transA: Bool = false, transB: Bool = false, alpha: Float = 1, beta: Float = 1) {
        self.transA = transA
        self.transB = transB
        self.alpha = alpha
        self.beta = beta
    }

    init(node: Node) throws {
        for name in ["transA", "transB"] {
            let value = try node.int(name, default: 0)
            guard value == 0 || value == 1 else {
                throw ModelError.invalidAttributeValue(node: node.label, attribute: name, reason: "must be 0 or 1, not \(value)")
            }
        }
        self.init(transA: try node.int("transA", default: 0) == 1, transB: try node.int("transB", default: 0) == 1,
                  alpha: try node.float("alpha", default: 1), beta: try node.float("beta", default: 1))
    }

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Gemm", opsets: 7...21, types: MatMulOperator.matMulTypes, gpu: .some("float32")) { node, _ in
            try GemmOperator(node: node)
        }]
    }

    func problem(_ aDims: [Int], _ bDims: [Int], cDims: [Int]?) throws -> GemmProblem {
        guard aDims.count == 2, bDims.count == 2 else {
            throw OperatorError.invalid("Gemm needs 2-D A and B, got A \(aDims) and B \(bDims)")
        }
        let (m, k) = transA ? (aDims[1], aDims[0]) : (aDims[0], aDims[1])
        let (kb, n) = transB ? (bDims[1], bDims[0]) : (bDims[0], bDims[1])
        guard k == kb else {
            throw OperatorError.invalid("Gemm inner dimensions differ: A \(aDims)\(transA ? " transposed" : "") has \(k) columns but B \(bDims)\(transB ? " transposed" : "") has \(kb) rows")
        }
        var problem = GemmProblem(m: m, n: n, k: k,
                                  aRow: transA ? 1 : k, aCol: transA ? m : 1,
                                  bRow: transB ? 1 : n, bCol: transB ? k : 1,
                                  alpha: alpha, beta: beta)
        if let cDims {
            guard cDims.count <= 2, Shapes.broadcast([m, n], cDims) == [m, n] else {
                throw OperatorError.invalid("Gemm C \(cDims) cannot be broadcast to the output [\(m), \(n)] (A \(aDims), B \(bDims))")
            }
            let strides = Shapes.broadcastStrides(cDims, to: [m, n])
            problem.biasRow = strides[0]
            problem.biasCol = strides[1]
        }
        return problem
    }

    private func operands(_ inputs: [PlanInput?]) throws -> (PlanInput, PlanInput, PlanInput?) {
        guard inputs.count >= 2, let a = inputs[0], let b = inputs[1] else { throw OperatorError.invalid("Gemm takes inputs A and B") }
        return (a, b, inputs.count > 2 ? inputs[2] : nil)
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        let (a, b, c) = try operands(inputs)
        guard MatMulOperator.matMulTypes.contains(a.spec.dataType) else { throw OperatorError.unsupportedType(input: 0, a.spec.dataType) }
        for (index, other) in [(1, b), (2, c)] {
            if let other, other.spec.dataType != a.spec.dataType {
                throw OperatorError.invalid("Gemm input \(index) is \(other.spec.dataType) but A is \(a.spec.dataType)")
            }
        }
        let problem = try problem(a.spec.dims, b.spec.dims, cDims: c?.spec.dims)
        return [TensorSpec(a.spec.dataType, [problem.m, problem.n])]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let a = inputs[0] else { throw OperatorError.missingInput(0) }
        guard inputs.count > 1, let b = inputs[1] else { throw OperatorError.missingInput(1) }
        let c = inputs.count > 2 ? inputs[2] : nil
        let problem = try problem(a.dims, b.dims, cDims: c?.dims)
        return [try problem.compute(a: a, b: b, bias: c, dims: [problem.m, problem.n])]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let (a, b, c) = try? operands(inputs), a.spec.dataType == .float32 else { return "GPU kernel takes float32 operands" }
        guard let problem = try? problem(a.spec.dims, b.spec.dims, cDims: c?.spec.dims) else { return "invalid shapes" }
        return problem.gpuUnsupportedReason(sizes: [a.spec.elementCount, b.spec.elementCount, outputs[0].elementCount], device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let a = inputs[0] else { throw OperatorError.missingInput(0) }
        guard inputs.count > 1, let b = inputs[1] else { throw OperatorError.missingInput(1) }
        let c = inputs.count > 2 ? inputs[2] : nil
        let problem = try problem(a.spec.dims, b.spec.dims, cDims: c?.spec.dims)
        try problem.encode(encoder, a: a, b: b, bias: c, output: outputs[0])
    }
}
