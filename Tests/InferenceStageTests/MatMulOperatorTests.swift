import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct MatMulOperatorTests {
    /// Shapes around the GPU tile (64×64, K step 16): 1, odd, not multiples, zero-sized, 1-D
    /// operands, batched with broadcast batch dims (some merged to fit the kernel's 4), and
    /// M == 1 or N == 1 (the GEMV path).
    static let shapes: [([Int], [Int])] = [
        ([1, 1], [1, 1]), ([3, 5], [5, 7]), ([65, 17], [17, 63]), ([1, 300], [300, 129]), ([1, 40], [40, 1]),
        ([0, 4], [4, 3]), ([3, 0], [0, 5]), ([2, 3], [3, 0]), ([7], [7, 5]), ([2, 6, 7], [7]), ([9], [9]),
        ([300, 129], [129, 1]), ([2, 2, 2, 2, 2, 3, 4], [4, 5]), ([2, 1, 3, 1, 2, 5], [3, 1, 2, 5, 6]),
        ([2, 1, 33, 20], [3, 20, 18]), ([4, 1, 1, 20], [1, 5, 20, 3]), ([2, 3, 1, 70], [70, 65]), ([5, 1, 8], [5, 8, 66]),
    ]

    @Test(arguments: shapes)
    func gpuMatchesCPU(shapes: ([Int], [Int])) throws {
        var random = TestRandom(seed: UInt64(shapes.0.reduce(1, *) * 31 + shapes.1.reduce(1, *)))
        try OperatorHarness.check("MatMul", inputs: [random.floats(shapes.0), random.floats(shapes.1)], rtol: 1e-4, atol: 1e-4)
    }

    @Test func kernelProblemSwapsColumnResultsAndMergesBatchDims() throws {
        let op = MatMulOperator()
        let (column, _) = try op.problem([4, 7, 3], [3, 1], biasDims: nil)
        let swapped = column.forKernels
        #expect(swapped.m == 1 && swapped.n == 7 && swapped.usesGEMV && swapped.bKContiguous)
        #expect(swapped.batchDims == [4] && swapped.aBatchStrides == [0] && swapped.bBatchStrides == [21])
        let (deep, _) = try op.problem([2, 3, 1, 5, 6, 2, 3], [3, 4], biasDims: nil)
        #expect(deep.batchDims.count == 5)
        #expect(deep.forKernels.batchDims == [180] && deep.forKernels.aBatchStrides == [6])
        let (mixed, _) = try op.problem([2, 1, 3, 2, 2], [2, 5, 1, 2, 2], biasDims: nil)
        #expect(mixed.forKernels.batchDims == [2, 5, 3])
    }

    /// Runs one `GemmProblem` with a chosen `matmul.comp` variant, whatever the device prefers.
    struct KernelVariant: Operator {
        let problem: GemmProblem
        let threadColumns: Int
        func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] { [TensorSpec(.float32, [problem.m, problem.n])] }
        func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
            guard let a = inputs[0], let b = inputs[1] else { throw OperatorError.missingInput(0) }
            return [try problem.compute(a: a, b: b, bias: inputs[2], dims: outputs[0].dims)]
        }
        func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
            guard let a = inputs[0], let b = inputs[1] else { throw OperatorError.missingInput(0) }
            try problem.encode(encoder, a: a, b: b, bias: inputs[2], output: outputs[0], threadColumns: threadColumns)
        }
    }

    @Test(arguments: [4, 8])
    func bothThreadTileVariantsMatchCPU(threadColumns: Int) throws {
        var random = TestRandom(seed: UInt64(threadColumns))
        let (m, n, k) = (97, 130, 45)
        var problem = GemmProblem(m: m, n: n, k: k, aRow: 1, aCol: m, bRow: n, bCol: 1, alpha: 0.5, beta: 2, activation: .relu)
        (problem.biasRow, problem.biasCol) = (0, 1)
        let inputs = [random.floats([k, m]), random.floats([k, n]), random.floats([n])]
        let op = KernelVariant(problem: problem, threadColumns: threadColumns)
        let specs = try op.outputSpecs([])
        let cpu = try op.computeCPU(inputs, outputs: specs)[0]
        let gpu = try OperatorHarness.runGPU(op, inputs: inputs, specs: specs, constants: [nil, nil, nil])[0]
        OperatorHarness.expectClose(gpu, cpu, rtol: 1e-4, atol: 1e-4, what: "THREAD_N \(threadColumns)")
    }

    @Test func batchesBeyondTheWorkgroupLimitRunInChunks() throws {
        let batch = OperatorHarness.context.capabilities.maxWorkgroupCount[2] + 3
        var random = TestRandom(seed: 70)
        let outcome = try OperatorHarness.check("MatMul", inputs: [random.floats([batch, 1, 2]), random.floats([batch, 2, 1])])
        #expect(outcome.gpu?[0].dims == [batch, 1, 1])
    }

    @Test func largeProductMatchesCPU() throws {
        var random = TestRandom(seed: 257)
        let outcome = try OperatorHarness.check("MatMul", inputs: [random.floats([257, 300]), random.floats([300, 129])], rtol: 1e-4, atol: 1e-3)
        #expect(outcome.gpu?[0].dims == [257, 129])
    }

    @Test func referenceValues() throws {
        let a = try TensorData([1, 2, 3, 4, 5, 6] as [Float], dims: [2, 3])
        let b = try TensorData([7, 8, 9, 10, 11, 12] as [Float], dims: [3, 2])
        let outcome = try OperatorHarness.check("MatMul", inputs: [a, b])
        #expect(outcome.cpu[0].floats() == [58, 64, 139, 154])
        #expect(outcome.gpu?[0].floats() == [58, 64, 139, 154])
        // 1-D · 1-D is a scalar; 1-D · 2-D drops the promoted row.
        let v = try TensorData([1, 2, 3] as [Float], dims: [3])
        let dot = try OperatorHarness.check("MatMul", inputs: [v, v])
        #expect(dot.cpu[0].dims == [])
        #expect(dot.cpu[0].floats() == [14])
        let row = try OperatorHarness.check("MatMul", inputs: [v, b])
        #expect(row.cpu[0].dims == [2])
        #expect(row.cpu[0].floats() == [58, 64])
        // Integers multiply exactly on the CPU.
        let ints = try OperatorHarness.check("MatMul", inputs: [try TensorData([Int64(2), 3], dims: [1, 2]), try TensorData([Int64(4), 5], dims: [2, 1])],
                                             requireGPU: false)
        #expect(ints.cpu[0].int64s() == [23])
        #expect(ints.gpuReason != nil)
    }

    @Test func mismatchedInnerDimensionsNameBothShapes() throws {
        var random = TestRandom(seed: 2)
        #expect(throws: OperatorError.invalid("MatMul inner dimensions differ: A [2, 3] has 3 columns but B [4, 5] has 4 rows")) {
            try OperatorHarness.check("MatMul", inputs: [random.floats([2, 3]), random.floats([4, 5])])
        }
        #expect(throws: OperatorError.invalid("MatMul batch dims of A [2, 3, 4] and B [3, 4, 5] cannot be broadcast together")) {
            try OperatorHarness.check("MatMul", inputs: [random.floats([2, 3, 4]), random.floats([3, 4, 5])])
        }
        #expect(throws: OperatorError.self) {
            try OperatorHarness.check("MatMul", inputs: [random.floats([]), random.floats([3])])
        }
    }

    @Test(arguments: MatMulActivation.allCases, [([2, 33, 17], [17, 70], [70]), ([1, 64], [64, 9], [1, 9]), ([4, 5], [5, 3], [4, 1])])
    func fusedGPUMatchesCPU(activation: MatMulActivation, shapes: ([Int], [Int], [Int])) throws {
        var random = TestRandom(seed: UInt64(shapes.0.count + 7 * shapes.1.count))
        try OperatorHarness.check("FusedMatMul", domain: MatMulOperator.fusedDomain, attributes: ["activation": .string(activation.rawValue)],
                                  inputs: [random.floats(shapes.0), random.floats(shapes.1), random.floats(shapes.2)], opset: 1, rtol: 1e-4, atol: 1e-4)
    }

    @Test func fusedReferenceValuesAndNoBias() throws {
        let a = try TensorData([1, -2] as [Float], dims: [1, 2])
        let b = try TensorData([3, 1, 1, 2] as [Float], dims: [2, 2])
        let bias = try TensorData([0.5, -1] as [Float], dims: [2])
        // a·b = [1, -3]; + bias = [1.5, -4]; Relu → [1.5, 0].
        let relu = try OperatorHarness.check("FusedMatMul", domain: MatMulOperator.fusedDomain, attributes: ["activation": .string("Relu")],
                                             inputs: [a, b, bias], opset: 1)
        #expect(relu.cpu[0].floats() == [1.5, 0])
        #expect(relu.gpu?[0].floats() == [1.5, 0])
        let plain = try OperatorHarness.check("FusedMatMul", domain: MatMulOperator.fusedDomain, inputs: [a, b, nil], opset: 1)
        #expect(plain.cpu[0].floats() == [1, -3])
        // A bias over the rows of a 1-D B's result (output [3]).
        let column = try OperatorHarness.check("FusedMatMul", domain: MatMulOperator.fusedDomain,
                                               inputs: [try TensorData([1, 0, 0, 1, 1, 1] as [Float], dims: [3, 2]), try TensorData([2, 3] as [Float], dims: [2]),
                                                        try TensorData([10, 20, 30] as [Float], dims: [3])], opset: 1)
        #expect(column.cpu[0].floats() == [12, 23, 35])
        #expect(column.gpu?[0].floats() == [12, 23, 35])
    }

    @Test func fusedErrors() throws {
        var random = TestRandom(seed: 3)
        #expect(throws: ModelError.self) {
            try OperatorHarness.check("FusedMatMul", domain: MatMulOperator.fusedDomain, attributes: ["activation": .string("Swish")],
                                      inputs: [random.floats([2, 2]), random.floats([2, 2])], opset: 1)
        }
        #expect(throws: OperatorError.invalid("FusedMatMul bias [3] cannot be broadcast to the output [2, 2] (A [2, 2], B [2, 2])")) {
            try OperatorHarness.check("FusedMatMul", domain: MatMulOperator.fusedDomain,
                                      inputs: [random.floats([2, 2]), random.floats([2, 2]), random.floats([3])], opset: 1)
        }
    }

    /// Not an assertion on speed: prints how long lavapipe takes for a 512³ product, and checks a
    /// few elements (the full CPU reference would dominate the test's time).
    @Test func timing512Cubed() throws {
        var random = TestRandom(seed: 512)
        let a = random.floats([512, 512]), b = random.floats([512, 512])
        let op = MatMulOperator()
        let specs = try op.outputSpecs([PlanInput(spec: TensorSpec(.float32, a.dims)), PlanInput(spec: TensorSpec(.float32, b.dims))])
        _ = try OperatorHarness.runGPU(op, inputs: [a, b], specs: specs, constants: [nil, nil])
        let start = Date()
        let out = try OperatorHarness.runGPU(op, inputs: [a, b], specs: specs, constants: [nil, nil])[0].floats()
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "MatMul 512x512x512 on %@: %.1f ms (%.2f GFLOP/s, includes upload and download)",
                     OperatorHarness.context.capabilities.name, seconds * 1000, 2 * 512 * 512 * 512 / seconds / 1e9))
        let av = a.floats(), bv = b.floats()
        for (i, j) in [(0, 0), (511, 511), (100, 317), (263, 5)] {
            let expected = (0..<512).reduce(0.0) { $0 + Double(av[i * 512 + $1]) * Double(bv[$1 * 512 + j]) }
            #expect(abs(Double(out[i * 512 + j]) - expected) < 1e-3, "element (\(i), \(j))")
        }
    }
}
