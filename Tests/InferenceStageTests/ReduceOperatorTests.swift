import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct ReduceOperatorTests {
    /// A reduction to run: input dims, axes (nil = input absent), keepdims.
    struct Case: Sendable, CustomStringConvertible {
        let dims: [Int]
        let axes: [Int]?
        let keepDims: Bool
        var description: String { "\(dims) axes \(axes.map { "\($0)" } ?? "absent") keep \(keepDims)" }
    }

    static let cases: [Case] = [
        Case(dims: [7], axes: [0], keepDims: true),
        Case(dims: [7], axes: nil, keepDims: false),                    // all axes → scalar
        Case(dims: [], axes: nil, keepDims: true),                      // rank 0
        Case(dims: [3, 5], axes: [1], keepDims: false),
        Case(dims: [3, 5], axes: [0], keepDims: true),
        Case(dims: [2, 3, 4, 5], axes: [1, 2], keepDims: true),         // middle
        Case(dims: [2, 3, 4, 5], axes: [0, 2], keepDims: false),        // not contiguous
        Case(dims: [2, 3, 4, 5, 6], axes: [0, 2, 4], keepDims: true),   // interleaved, rank 5
        Case(dims: [2, 3, 4, 5, 6], axes: [-1], keepDims: false),
        Case(dims: [2, 3, 4, 5, 6], axes: [1, 3], keepDims: false),     // workgroup path, 2 reduced groups
        Case(dims: [3, 1, 4], axes: [1], keepDims: true),               // rows of length 1
        Case(dims: [9, 50], axes: [1], keepDims: true),                 // 64-wide workgroups
        Case(dims: [2, 300, 70], axes: [0, 2], keepDims: false),
        Case(dims: [2, 10000], axes: [1], keepDims: false),             // long rows
        Case(dims: [5000, 3], axes: [0], keepDims: true),               // long strided rows
        Case(dims: [40, 4100], axes: [0], keepDims: false),             // one invocation per row, coalesced
        Case(dims: [4100, 8], axes: [1], keepDims: true),               // one invocation per short row
        Case(dims: [0, 4], axes: [1], keepDims: true),                  // zero rows
        Case(dims: [3, 0, 2], axes: [1], keepDims: false),              // empty reductions
    ]

    static let names = ReduceOperator.kinds.map(\.opType)

    static func range(_ opType: String) -> ClosedRange<Float> {
        switch opType {
        case "ReduceProd": return 0.97...1.03     // products of 10,000 values stay finite
        case "ReduceLogSum": return 0.1...2         // log of a positive sum
        default: return -2...2
        }
    }

    @Test(arguments: names, cases)
    func gpuMatchesCPU(opType: String, reduction: Case) throws {
        var random = TestRandom(seed: UInt64(reduction.dims.reduce(7, +) * 131 + opType.count))
        let x = random.floats(reduction.dims, Self.range(opType))
        let axes = try reduction.axes.map { try TensorData($0.map(Int64.init), dims: [$0.count]) }
        let outcome = try OperatorHarness.check(opType, attributes: ["keepdims": .int(reduction.keepDims ? 1 : 0)],
                                                inputs: [x, axes], opset: 18, rtol: 2e-4, atol: 2e-3)
        #expect(outcome.gpu != nil)
    }

    @Test func attributeAxesBeforeOpset18() throws {
        var random = TestRandom(seed: 3)
        let x = random.floats([2, 3, 4])
        // ReduceMean-13 takes axes as an attribute; ReduceSum takes them as input from 13.
        let mean = try OperatorHarness.check("ReduceMean", attributes: ["axes": .ints([0, 2]), "keepdims": .int(0)], inputs: [x], opset: 13)
        #expect(mean.cpu[0].dims == [3])
        let sum11 = try OperatorHarness.check("ReduceSum", attributes: ["axes": .ints([-1])], inputs: [x], opset: 11)
        #expect(sum11.cpu[0].dims == [2, 3, 1])
        let sum13 = try OperatorHarness.check("ReduceSum", inputs: [x, try TensorData([Int64(-1)], dims: [1])], opset: 13)
        #expect(sum13.cpu[0] == sum11.cpu[0])
        // No axes attribute: every axis.
        let all = try OperatorHarness.check("ReduceMax", inputs: [x], opset: 13)
        #expect(all.cpu[0].dims == [1, 1, 1])
        #expect(all.cpu[0].floats() == [x.floats().max()!])
    }

    @Test func referenceValues() throws {
        let x = try TensorData([1, -2, 3, 4] as [Float], dims: [2, 2])
        func run(_ op: String, _ axes: [Int64]?, keep: Int = 0) throws -> [Float] {
            let axesInput = try axes.map { try TensorData($0, dims: [$0.count]) }
            return try OperatorHarness.check(op, attributes: ["keepdims": .int(keep)], inputs: [x, axesInput], opset: 18).cpu[0].floats()
        }
        #expect(try run("ReduceSum", [0]) == [4, 2])
        #expect(try run("ReduceSum", [1]) == [-1, 7])
        #expect(try run("ReduceMean", [1]) == [-0.5, 3.5])
        #expect(try run("ReduceMax", [0]) == [3, 4])
        #expect(try run("ReduceMin", nil) == [-2])
        #expect(try run("ReduceProd", nil) == [-24])
        #expect(try run("ReduceL1", [1]) == [3, 7])
        #expect(try run("ReduceL2", [0]) == [Float(10).squareRoot(), Float(20).squareRoot()])
        #expect(try run("ReduceSumSquare", nil) == [30])
        #expect(try run("ReduceLogSum", [0]) == [log(4), log(2)])
        let lse = try run("ReduceLogSumExp", [1])
        #expect(abs(lse[0] - log(exp(1) + exp(-2))) < 1e-6 && abs(lse[1] - log(exp(3) + exp(4))) < 1e-6)
        // Large values: a naive sum of exps would overflow.
        let big = try TensorData([1000, 1000] as [Float], dims: [2])
        let stable = try OperatorHarness.check("ReduceLogSumExp", attributes: ["keepdims": .int(0)], inputs: [big], opset: 13)
        #expect(abs(stable.cpu[0].floats()[0] - (1000 + log(2))) < 1e-3)
        #expect(abs((stable.gpu?[0].floats()[0] ?? 0) - (1000 + log(2))) < 1e-3)
    }

    @Test func emptyReductionsFollowONNX() throws {
        let x = try TensorData([Float](), dims: [2, 0])
        let axes = try TensorData([Int64(1)], dims: [1])
        func run(_ op: String) throws -> [Float] { try OperatorHarness.check(op, inputs: [x, axes], opset: 18).gpu?[0].floats() ?? [] }
        #expect(try run("ReduceSum") == [0, 0])
        #expect(try run("ReduceProd") == [1, 1])
        #expect(try run("ReduceMax") == [-.infinity, -.infinity])
        #expect(try run("ReduceMin") == [.infinity, .infinity])
        #expect(try run("ReduceL2") == [0, 0])
        #expect(try run("ReduceLogSumExp") == [-.infinity, -.infinity])
        #expect(try run("ReduceMean").allSatisfy { $0.isNaN })
    }

    @Test func emptyAxesWithNoop() throws {
        var random = TestRandom(seed: 5)
        let x = random.floats([2, 3])
        let noop: [String: Attribute] = ["noop_with_empty_axes": .int(1)]
        let empty = try TensorData([Int64](), dims: [0])
        let absent = try OperatorHarness.check("ReduceSum", attributes: noop, inputs: [x, nil], opset: 18)
        #expect(absent.cpu[0] == x)
        #expect(absent.gpu?[0] == x)
        let given = try OperatorHarness.check("ReduceMax", attributes: noop, inputs: [x, empty], opset: 18)
        #expect(given.gpu?[0] == x)
        // Without noop_with_empty_axes an empty list reduces everything.
        let all = try OperatorHarness.check("ReduceSum", inputs: [x, empty], opset: 18)
        #expect(all.cpu[0].dims == [1, 1])
    }

    @Test func integerAndHalfInputsOnTheCPU() throws {
        let ints = try TensorData([Int32(5), -3, 7, 2], dims: [2, 2])
        let axes = try TensorData([Int64(1)], dims: [1])
        func run(_ op: String, _ x: TensorData, _ axes: TensorData?) throws -> TensorData {
            try OperatorHarness.check(op, attributes: ["keepdims": .int(0)], inputs: [x, axes], opset: 18, requireGPU: false).cpu[0]
        }
        #expect(try run("ReduceSum", ints, axes).int64s() == [2, 9])
        #expect(try run("ReduceSum", ints, axes).dataType == .int32)
        #expect(try run("ReduceMean", ints, axes).int64s() == [1, 4])
        #expect(try run("ReduceProd", ints, nil).int64s() == [-210])
        #expect(try run("ReduceL2", ints, axes).int64s() == [5, 7])   // sqrt(34) = 5.83 truncated
        let empty = try TensorData([Int8](), dims: [0])
        #expect(try run("ReduceMax", empty, nil).int64s() == [Int64(Int8.min)])
        #expect(try run("ReduceMin", empty, nil).int64s() == [Int64(Int8.max)])
        #expect(throws: OperatorError.self) { try run("ReduceMean", empty, nil) }
        let bools = try TensorData([true, false, false, false], dims: [2, 2])
        #expect(try run("ReduceMax", bools, axes).int64s() == [1, 0])
        let half = try TensorData(floats: [1.5, 2.5, -1], dims: [3], as: .float16)
        let halfSum = try OperatorHarness.check("ReduceSum", inputs: [half, nil], opset: 18, requireGPU: false)
        #expect(halfSum.cpu[0].dataType == .float16 && halfSum.cpu[0].floats() == [3])
        #expect(halfSum.gpuReason == "GPU kernel is float32 only")
    }

    @Test func badAxesAreClearErrors() throws {
        var random = TestRandom(seed: 9)
        let x = random.floats([2, 3])
        #expect(throws: OperatorError.invalid("axis 2 is out of range for rank 2")) {
            try OperatorHarness.check("ReduceSum", inputs: [x, try TensorData([Int64(2)], dims: [1])], opset: 18)
        }
        #expect(throws: OperatorError.invalid("axes [1, -1] repeat axis 1")) {
            try OperatorHarness.check("ReduceMean", inputs: [x, try TensorData([Int64(1), -1], dims: [2])], opset: 18)
        }
        #expect(throws: OperatorError.invalid("axis -3 is out of range for rank 2")) {
            try OperatorHarness.check("ReduceMean", attributes: ["axes": .ints([-3])], inputs: [x], opset: 13)
        }
        #expect(throws: ModelError.self) {
            try OperatorHarness.check("ReduceMean", attributes: ["axes": .ints([0])], inputs: [x], opset: 18)
        }
        #expect(throws: ModelError.self) {
            try OperatorHarness.check("ReduceMean", attributes: ["axes": .ints([0, 0])], inputs: [x], opset: 13)
        }
        #expect(throws: OperatorError.self) {
            try OperatorHarness.check("ReduceSum", inputs: [x, try TensorData([Int32(0)], dims: [1])], opset: 18)
        }
        // Axes only known at run time leave the output shape unknown.
        let node = Node(name: "r", opType: "ReduceSum", inputs: ["x", "axes"], outputs: ["y"])
        let op = try #require(OperatorRegistry.lookup("ReduceSum", opset: 18)).make(node, 18)
        #expect(throws: OperatorError.self) {
            try op.outputSpecs([PlanInput(spec: TensorSpec(.float32, [2, 3])), PlanInput(spec: TensorSpec(.int64, [1]))])
        }
    }
}
