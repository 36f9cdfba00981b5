import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct ReductionLayoutTests {
    @Test func neighbouringAxesMergeAndSizeOneAxesDrop() {
        // [2, 3, 4, 5] over axes 1 and 2: kept 2 (stride 60) and 5 (stride 1), reduced 12 (stride 5).
        let middle = ReductionLayout(dims: [2, 3, 4, 5], axes: [1, 2])
        #expect(middle.keptDims == [2, 5] && middle.keptStrides == [60, 1])
        #expect(middle.reducedDims == [12] && middle.reducedStrides == [5])
        #expect(middle.rows == 10 && middle.count == 12)
        // A size-1 axis between two reduced axes no longer separates them.
        let ones = ReductionLayout(dims: [4, 1, 6, 1], axes: [0, 2])
        #expect(ones.keptDims == [] && ones.reducedDims == [24] && ones.reducedStrides == [1])
        // A zero-sized axis stays, so the count is zero.
        let empty = ReductionLayout(dims: [3, 0], axes: [1])
        #expect(empty.rows == 3 && empty.count == 0)
        let scalar = ReductionLayout(dims: [], axes: [])
        #expect(scalar.rows == 1 && scalar.count == 1 && scalar.rowOffsets() == [0] && scalar.reducedOffsets() == [0])
    }

    @Test func offsetsVisitEveryElementOnce() {
        let layout = ReductionLayout(dims: [2, 3, 4, 5, 6], axes: [0, 2, 4])
        var seen: [Int] = []
        for base in layout.rowOffsets() { for offset in layout.reducedOffsets() { seen.append(base + offset) } }
        #expect(seen.sorted() == Array(0..<720))
        // Rows follow the kept axes' row-major order: row 1 is index 1 along the last kept axis (5, stride 6).
        #expect(layout.rowOffsets().prefix(2) == [0, 6])
        // Elements of a row follow the reduced axes' order: the last reduced axis (6) moves first.
        #expect(layout.reducedOffsets().prefix(3) == [0, 1, 2])
        #expect(layout.reducedOffsets()[6] == 30)
    }

    /// The shapes the operator tests use reach each kernel variant.
    @Test func variantChoice() {
        #expect(ReductionLayout(dims: [4100, 8], axes: [1]).prefersRowPerThread)      // short rows
        #expect(ReductionLayout(dims: [40, 4100], axes: [0]).prefersRowPerThread)     // neighbouring rows
        #expect(!ReductionLayout(dims: [5000, 3], axes: [0]).prefersRowPerThread)     // few long strided rows
        #expect(!ReductionLayout(dims: [2, 10000], axes: [1]).prefersRowPerThread)
        #expect(ReductionLayout(dims: [9, 50], axes: [1]).workgroupSize == 64)
        #expect(ReductionLayout(dims: [2, 10000], axes: [1]).workgroupSize == 256)
    }

    @Test func tooManyInterleavedGroupsDeclineTheGPU() throws {
        let dims = [Int](repeating: 2, count: 10)
        let layout = ReductionLayout(dims: dims, axes: [0, 2, 4, 6, 8])
        #expect(layout.keptDims.count == 5)
        #expect(layout.gpuUnsupportedReason(elementCount: 1024) == "reduced and kept axes interleave more than 4 times")
        var random = TestRandom(seed: 2)
        let x = random.floats(dims)
        let outcome = try OperatorHarness.check("ReduceSum", inputs: [x, try TensorData([Int64(0), 2, 4, 6, 8], dims: [5])], opset: 18, requireGPU: false)
        #expect(outcome.gpuReason == "reduced and kept axes interleave more than 4 times")
        #expect(outcome.cpu[0].dims == [1, 2, 1, 2, 1, 2, 1, 2, 1, 2])
    }

    /// Devices without subgroup arithmetic merge partials in shared memory alone.
    @Test(arguments: ["ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd"])
    func sharedMemoryOnlyPathMatchesCPU(opType: String) throws {
        var random = TestRandom(seed: 11)
        for dims in [[3, 1000], [5, 40]] {
            let x = random.floats(dims, opType == "ReduceProd" ? 0.9...1.1 : -2...2)
            let node = Node(name: "r", opType: opType, inputs: ["x"], outputs: ["y"], attributes: ["axes": .ints([1])])
            var op = try #require(try OperatorRegistry.lookup(opType, opset: 11)?.make(node, 11) as? ReduceOperator)
            op.subgroupsAllowed = false
            let specs = try op.outputSpecs([PlanInput(spec: TensorSpec(.float32, dims))])
            let cpu = try op.computeCPU([x], outputs: specs)
            let gpu = try OperatorHarness.runGPU(op, inputs: [x], specs: specs, constants: [nil])
            OperatorHarness.expectClose(gpu[0], cpu[0], rtol: 1e-4, atol: 1e-4, what: "\(opType) \(dims) without subgroups")
        }
    }
}
