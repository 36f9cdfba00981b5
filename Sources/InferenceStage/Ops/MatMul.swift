import GPUCore

/// MatMul with numpy semantics (a 1-D A gains a leading 1 and a 1-D B a trailing 1, both dropped
/// from the result; batch dims broadcast), and its fused form FusedMatMul (domain com.sluice) that
/// the MatMul+Add(+activation) fusion pass emits: an optional bias input broadcastable to the
/// output, and an `activation` attribute ("", Relu, Gelu, GeluTanh, Sigmoid, Tanh).
public struct MatMulOperator: Operator {
    public static let fusedDomain = "com.sluice"
    public static let matMulTypes: [DataType] = [.float32, .float16, .int32, .int64]

    /// True for FusedMatMul (reads a third input as bias).
    public let fused: Bool
    public let activation: MatMulActivation

    public init(fused: Bool = false, activation: MatMulActivation = .none) {
        self.fused = fused
        self.activation = activation
    }

    init(fusedNode node: Node) throws {
        let name = try node.string("activation", default: "")
        guard let activation = MatMulActivation(rawValue: name) else {
            let known = MatMulActivation.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw ModelError.invalidAttributeValue(node: node.label, attribute: "activation", reason: "must be one of \(known), not \"\(name)\"")
        }
        self.init(fused: true, activation: activation)
    }

    public static var registrations: [OperatorRegistration] {
        [
            OperatorRegistration("MatMul", opsets: 1...21, types: matMulTypes, gpu: .some("float32")) { _, _ in MatMulOperator() },
            OperatorRegistration("FusedMatMul", domain: fusedDomain, opsets: 1...21, types: matMulTypes,
                                 gpu: .some("float32; activations on float types only")) { node, _ in
                try MatMulOperator(fusedNode: node)
            },
        ]
    }

    private var opType: String { fused ? "FusedMatMul" : "MatMul" }

    /// The product's description and the output dims for these operand dims.
    func problem(_ aDims: [Int], _ bDims: [Int], biasDims: [Int]?) throws -> (GemmProblem, [Int]) {
        guard !aDims.isEmpty, !bDims.isEmpty else {
            throw OperatorError.invalid("\(opType) needs operands of rank ≥ 1, got A \(aDims) and B \(bDims)")
        }
        // Promote 1-D operands to matrices; remember which axes to drop from the result.
        let a2 = aDims.count == 1 ? [1] + aDims : aDims
        let b2 = bDims.count == 1 ? bDims + [1] : bDims
        let (m, k) = (a2[a2.count - 2], a2[a2.count - 1])
        let (kb, n) = (b2[b2.count - 2], b2[b2.count - 1])
        guard k == kb else {
            throw OperatorError.invalid("\(opType) inner dimensions differ: A \(aDims) has \(k) columns but B \(bDims) has \(kb) rows")
        }
        let aBatch = Array(a2.dropLast(2)), bBatch = Array(b2.dropLast(2))
        guard let batch = Shapes.broadcast(aBatch, bBatch) else {
            throw OperatorError.invalid("\(opType) batch dims of A \(aDims) and B \(bDims) cannot be broadcast together")
        }
        var outDims = batch
        if aDims.count > 1 { outDims.append(m) }
        if bDims.count > 1 { outDims.append(n) }

        var problem = GemmProblem(m: m, n: n, k: k, batchDims: batch,
                                  aBatchStrides: Self.batchStrides(aBatch, matrix: m * k, to: batch),
                                  bBatchStrides: Self.batchStrides(bBatch, matrix: k * n, to: batch),
                                  aRow: k, aCol: 1, bRow: n, bCol: 1, activation: activation)
        if let biasDims {
            guard Shapes.broadcast(outDims, biasDims) == outDims else {
                throw OperatorError.invalid("\(opType) bias \(biasDims) cannot be broadcast to the output \(outDims) (A \(aDims), B \(bDims))")
            }
            // Strides over batch + [M, N]: an axis the 1-D promotion dropped reads stride 0.
            var strides = Shapes.broadcastStrides(biasDims, to: outDims)
            if aDims.count == 1 { strides.insert(0, at: batch.count) }
            if bDims.count == 1 { strides.append(0) }
            problem.biasBatchStrides = Array(strides.prefix(batch.count))
            problem.biasRow = strides[batch.count]
            problem.biasCol = strides[batch.count + 1]
        }
        return (problem, outDims)
    }

    /// Element strides of an operand's batch dims broadcast to `batch` (0 on broadcast axes).
    static func batchStrides(_ dims: [Int], matrix: Int, to batch: [Int]) -> [Int] {
        Shapes.broadcastStrides(dims, to: batch).map { $0 * matrix }
    }

    private func operands(_ inputs: [PlanInput?]) throws -> (PlanInput, PlanInput, PlanInput?) {
        guard inputs.count >= 2, let a = inputs[0], let b = inputs[1] else {
            throw OperatorError.invalid("\(opType) takes inputs A and B")
        }
        let bias = fused && inputs.count > 2 ? inputs[2] : nil
        if !fused && inputs.count > 2 { throw OperatorError.invalid("MatMul takes two inputs, got \(inputs.count)") }
        return (a, b, bias)
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        let (a, b, bias) = try operands(inputs)
        guard Self.matMulTypes.contains(a.spec.dataType) else { throw OperatorError.unsupportedType(input: 0, a.spec.dataType) }
        guard b.spec.dataType == a.spec.dataType else {
            throw OperatorError.invalid("\(opType) operand types differ: A is \(a.spec.dataType), B is \(b.spec.dataType)")
        }
        if let bias, bias.spec.dataType != a.spec.dataType {
            throw OperatorError.invalid("\(opType) bias is \(bias.spec.dataType) but the operands are \(a.spec.dataType)")
        }
        if activation != .none && !a.spec.dataType.isFloatingPoint {
            throw OperatorError.invalid("\(opType) activation \(activation.rawValue) needs float operands, got \(a.spec.dataType)")
        }
        let (_, dims) = try problem(a.spec.dims, b.spec.dims, biasDims: bias?.spec.dims)
        return [TensorSpec(a.spec.dataType, dims)]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let a = inputs[0] else { throw OperatorError.missingInput(0) }
        guard inputs.count > 1, let b = inputs[1] else { throw OperatorError.missingInput(1) }
        let bias = fused && inputs.count > 2 ? inputs[2] : nil
        let (problem, dims) = try problem(a.dims, b.dims, biasDims: bias?.dims)
        return [try problem.compute(a: a, b: b, bias: bias, dims: dims)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let (a, b, bias) = try? operands(inputs), a.spec.dataType == .float32 else { return "GPU kernel takes float32 operands" }
        guard let (problem, _) = try? problem(a.spec.dims, b.spec.dims, biasDims: bias?.spec.dims) else { return "invalid shapes" }
        return problem.gpuUnsupportedReason(sizes: [a.spec.elementCount, b.spec.elementCount, outputs[0].elementCount], device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let a = inputs[0] else { throw OperatorError.missingInput(0) }
        guard inputs.count > 1, let b = inputs[1] else { throw OperatorError.missingInput(1) }
        let bias = fused && inputs.count > 2 ? inputs[2] : nil
        let (problem, _) = try problem(a.spec.dims, b.spec.dims, biasDims: bias?.spec.dims)
        try problem.encode(encoder, a: a, b: b, bias: bias, output: outputs[0])
    }
}
