import Foundation
import GPUCore

/// Activation applied after a fused product (FusedMatMul's `activation` attribute).
public enum MatMulActivation: String, Sendable, CaseIterable {
    case none = ""
    case relu = "Relu"
    case gelu = "Gelu"
    case geluTanh = "GeluTanh"
    case sigmoid = "Sigmoid"
    case tanh = "Tanh"

    public func apply(_ x: Float) -> Float {
        switch self {
        case .none: return x
        case .relu: return max(x, 0)
        case .gelu: return 0.5 * x * (1 + erf(x * 0.7071067811865476))
        case .geluTanh: return 0.5 * x * (1 + Foundation.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
        case .sigmoid: return 1 / (1 + exp(-x))
        case .tanh: return Foundation.tanh(x)
        }
    }

    /// The GLSL function applying it (math.glsl, gemm_common.glsl), passed as the ACTIVATION define.
    var glslFunction: String {
        switch self {
        case .none: return "sluice_identity"
        case .relu: return "sluice_relu"
        case .gelu: return "sluice_gelu_erf"
        case .geluTanh: return "sluice_gelu_tanh"
        case .sigmoid: return "sluice_sigmoid"
        case .tanh: return "sluice_tanh"
        }
    }
}

/// One batched product `out[b] = act(alpha · A[b]·B[b] + beta · bias[b])`, every operand described
/// by element strides. MatMul's 1-D promotion and batch broadcasting, Gemm's transposes and
/// unidirectional C, and FusedMatMul's bias all reduce to this one description, so the CPU
/// reference and the GPU kernels are written once.
struct GemmProblem: Sendable, Equatable {
    var m: Int, n: Int, k: Int
    /// Batch dims of the output (row-major), and each operand's element stride per batch dim
    /// (0 where that operand is broadcast).
    var batchDims: [Int] = []
    var aBatchStrides: [Int] = [], bBatchStrides: [Int] = [], biasBatchStrides: [Int] = []
    /// A's element (m, k) is at `m·aRow + k·aCol` past its batch offset; B's (k, n) at `k·bRow + n·bCol`.
    var aRow: Int, aCol: Int
    var bRow: Int, bCol: Int
    /// The bias element added to output (m, n); nil when there is no bias.
    var biasRow: Int? = nil, biasCol: Int = 0
    var alpha: Float = 1, beta: Float = 1
    var activation: MatMulActivation = .none

    var batchCount: Int { batchDims.reduce(1, *) }
    var outputCount: Int { batchCount * m * n }
    var hasBias: Bool { biasRow != nil }

    /// Element offsets of each batch's first element in A, B and the bias.
    func batchOffsets() -> (a: [Int], b: [Int], bias: [Int]) {
        (Shapes.offsets(dims: batchDims, strides: aBatchStrides),
         Shapes.offsets(dims: batchDims, strides: bBatchStrides),
         Shapes.offsets(dims: batchDims, strides: hasBias ? biasBatchStrides : batchDims.map { _ in 0 }))
    }

    /// The reference product over floats, accumulating in Double so it is the more exact side.
    func compute(a: [Float], b: [Float], bias: [Float]?) -> [Float] {
        var out = [Float](repeating: 0, count: outputCount)
        let (aBase, bBase, biasBase) = batchOffsets()
        for batch in 0..<batchCount {
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for p in 0..<k {
                        sum += Double(a[aBase[batch] + i * aRow + p * aCol]) * Double(b[bBase[batch] + p * bRow + j * bCol])
                    }
                    var v = Float(Double(alpha) * sum)
                    if let bias, let biasRow { v += beta * bias[biasBase[batch] + i * biasRow + j * biasCol] }
                    out[(batch * m + i) * n + j] = activation.apply(v)
                }
            }
        }
        return out
    }

    /// The reference product over integers: wrapping arithmetic as integer hardware does; alpha
    /// and beta other than 1 (Gemm) scale in Double and truncate toward zero.
    func compute(a: [Int64], b: [Int64], bias: [Int64]?) -> [Int64] {
        var out = [Int64](repeating: 0, count: outputCount)
        let (aBase, bBase, biasBase) = batchOffsets()
        let scaled = alpha != 1 || beta != 1
        for batch in 0..<batchCount {
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Int64 = 0
                    for p in 0..<k {
                        sum &+= a[aBase[batch] + i * aRow + p * aCol] &* b[bBase[batch] + p * bRow + j * bCol]
                    }
                    let c = bias.flatMap { bias in biasRow.map { bias[biasBase[batch] + i * $0 + j * biasCol] } } ?? 0
                    if scaled {
                        let v = (Double(alpha) * Double(sum) + Double(beta) * Double(c)).rounded(.towardZero)
                        out[(batch * m + i) * n + j] = Int64(exactly: v) ?? 0
                    } else {
                        out[(batch * m + i) * n + j] = sum &+ c
                    }
                }
            }
        }
        return out
    }

    /// Runs the reference on tensors of one element type (float or integer), producing `dims`.
    func compute(a: TensorData, b: TensorData, bias: TensorData?, dims: [Int]) throws -> TensorData {
        if a.dataType.isFloatingPoint {
            return try TensorData(floats: compute(a: a.floats(), b: b.floats(), bias: bias?.floats()), dims: dims, as: a.dataType)
        }
        return try TensorData(int64s: compute(a: a.int64s(), b: b.int64s(), bias: bias?.int64s()), dims: dims, as: a.dataType)
    }
}
