import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// Transpose, Concat, Split, Slice, Expand and Tile: GPU (strided copy) against the CPU reference
/// for every element type and edge shapes, hand-computed values, and error messages.
@Suite struct MovementOperatorTests {
    typealias T = DataOperatorTesting
    static let types = DataOperatorTesting.everyType

    // MARK: Transpose

    static let transposeCases: [([Int], [Int]?)] = [
        ([], nil), ([5], nil), ([0, 3], [1, 0]), ([1, 1], nil), ([2, 3], nil), ([2, 3, 4], [1, 0, 2]), ([3, 1, 5], [2, 0, 1]),
        ([2, 3, 2, 3, 2, 2, 3], [6, 5, 4, 3, 2, 1, 0]), ([17, 33, 9], [2, 1, 0]),
    ]

    @Test(arguments: types, transposeCases)
    func transposeGPUMatchesCPU(type: DataType, shape: ([Int], [Int]?)) throws {
        let attributes: [String: Attribute] = shape.1.map { ["perm": .ints($0)] } ?? [:]
        let outcome = try OperatorHarness.check("Transpose", attributes: attributes, inputs: [T.random(type, shape.0, seed: 3)],
                                                requireGPU: shape.0.count <= 6)
        if shape.0.count > 6 { #expect(outcome.gpuReason?.contains("rank 7") == true) }
    }

    @Test func transposeReferenceValues() throws {
        let x = T.floats([1, 2, 3, 4, 5, 6], dims: [2, 3])
        let out = try OperatorHarness.check("Transpose", inputs: [x]).cpu[0]
        #expect(out.dims == [3, 2])
        #expect(out.floats() == [1, 4, 2, 5, 3, 6] as [Float])
        // A rank-7 transpose that only swaps two contiguous groups merges down to rank 2 on the GPU.
        let big = T.random(.int64, [2, 1, 3, 1, 2, 2, 1], seed: 9)
        let merged = try OperatorHarness.check("Transpose", attributes: ["perm": .ints([4, 5, 6, 0, 1, 2, 3])], inputs: [big])
        #expect(merged.gpu != nil)
    }

    @Test func transposeRejectsABadPerm() {
        let x = T.floats([1, 2, 3, 4, 5, 6], dims: [2, 3])
        #expect(T.errorMessage { try OperatorHarness.check("Transpose", attributes: ["perm": .ints([0, 0])], inputs: [x]) }
                == "perm [0, 0] is not a permutation of the 2 axes 0...1")
    }

    // MARK: Concat

    static let concatCases: [([[Int]], Int)] = [
        ([[2, 3], [4, 3]], 0), ([[2, 3], [2, 1], [2, 0]], 1), ([[2, 3], [2, 5]], -1), ([[0, 2], [0, 2]], 0),
        ([[3], [4], [5]], 0), ([[2, 3, 4], [2, 1, 4], [2, 5, 4]], -2), ([[7, 1, 2, 3, 2, 3, 2], [7, 2, 2, 3, 2, 3, 2]], 1),
    ]

    @Test(arguments: types, concatCases)
    func concatGPUMatchesCPU(type: DataType, shapes: ([[Int]], Int)) throws {
        let inputs = shapes.0.enumerated().map { T.random(type, $1, seed: UInt64($0 + 1)) }
        try OperatorHarness.check("Concat", attributes: ["axis": .int(shapes.1)], inputs: inputs)
    }

    @Test func concatReferenceValuesAndErrors() throws {
        let a = T.floats([1, 2, 3, 4], dims: [2, 2]), b = T.floats([5, 6], dims: [2, 1])
        let out = try OperatorHarness.check("Concat", attributes: ["axis": .int(1)], inputs: [a, b]).cpu[0]
        #expect(out.dims == [2, 3])
        #expect(out.floats() == [1, 2, 5, 3, 4, 6] as [Float])
        #expect(T.errorMessage { try OperatorHarness.check("Concat", attributes: ["axis": .int(0)], inputs: [a, b]) }
                == "Concat inputs [2, 2] and [2, 1] differ outside axis 0")
        #expect(T.errorMessage { try OperatorHarness.check("Concat", attributes: ["axis": .int(2)], inputs: [a, a]) }
                == "axis 2 is out of range for rank 2")
    }

    // MARK: Split

    @Test(arguments: types)
    func splitGPUMatchesCPU(type: DataType) throws {
        let x = T.random(type, [4, 6, 3], seed: 5)
        // Sizes from an input (opset 13), including an empty part.
        let parts = try T.check("Split", attributes: ["axis": .int(1)], inputs: [x, T.int64s([1, 0, 5])], outputCount: 3, opset: 13)
        #expect(parts.cpu.map(\.dims) == [[4, 1, 3], [4, 0, 3], [4, 5, 3]])
        // Equal parts from the output count, negative axis.
        try T.check("Split", attributes: ["axis": .int(-3)], inputs: [x], outputCount: 2, opset: 13)
        // num_outputs (opset 18) with a smaller last part.
        let uneven = try T.check("Split", attributes: ["axis": .int(2), "num_outputs": .int(2)], inputs: [x], outputCount: 2, opset: 18)
        #expect(uneven.cpu.map(\.dims) == [[4, 6, 2], [4, 6, 1]])
    }

    @Test func splitReferenceValuesAcrossOpsets() throws {
        let x = T.floats([1, 2, 3, 4, 5, 6])
        let old = try T.check("Split", attributes: ["split": .ints([2, 4])], inputs: [x], outputCount: 2, opset: 11)
        #expect(old.cpu.map { $0.floats() } == [[1, 2], [3, 4, 5, 6]])
        let thirds = try T.check("Split", inputs: [x], outputCount: 3, opset: 13)
        #expect(thirds.cpu.map { $0.floats() } == [[1, 2], [3, 4], [5, 6]])
        // An empty `split` input means "not given" (some exporters write one).
        let halves = try T.check("Split", inputs: [x, T.int64s([])], outputCount: 2, opset: 13)
        #expect(halves.cpu.map { $0.floats() } == [[1, 2, 3], [4, 5, 6]])
        let four = try T.check("Split", attributes: ["num_outputs": .int(4)], inputs: [x], outputCount: 4, opset: 18)
        #expect(four.cpu.map { $0.floats() } == [[1, 2], [3, 4], [5, 6], []])
    }

    @Test func splitErrors() throws {
        let x = T.floats([1, 2, 3, 4, 5])
        #expect(T.errorMessage { try T.check("Split", inputs: [x], outputCount: 2, opset: 13) }
                == "axis size 5 does not split into 2 equal parts; give split sizes")
        #expect(T.errorMessage { try T.check("Split", inputs: [x, T.int64s([2, 2])], outputCount: 2, opset: 13) }
                == "split sizes [2, 2] must be non-negative and add up to the axis size 5")
        #expect(T.errorMessage { try T.check("Split", attributes: ["num_outputs": .int(3)], inputs: [x], outputCount: 2, opset: 18) }?
                .contains("num_outputs") == true)
    }

    // MARK: Slice

    static let sliceCases: [(dims: [Int], starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?)] = [
        ([10], [2], [8], nil, nil),
        ([10], [8], [1], nil, [-3]),
        ([10], [-1], [Int(Int64.min)], nil, [-1]),
        ([4, 5, 6], [1, 0], [Int(Int64.max), -1], [-1, 0], [2, 1]),
        ([4, 5, 6], [3, 4, 5], [0, 0, 0], [0, 1, 2], [-1, -2, -3]),
        ([4, 5], [2], [2], [1], nil),
        ([0, 3], [0], [10], [0], nil),
        ([3, 1, 7], [-100], [100], [2], [3]),
    ]

    @Test(arguments: types, sliceCases)
    func sliceGPUMatchesCPU(type: DataType, c: (dims: [Int], starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?)) throws {
        var inputs: [TensorData?] = [T.random(type, c.dims, seed: 11), T.int64s(c.starts), T.int64s(c.ends)]
        inputs.append(c.axes.map { T.int64s($0) })
        inputs.append(c.steps.map { T.int64s($0) })
        try OperatorHarness.check("Slice", inputs: inputs, opset: 13)
    }

    @Test func sliceReferenceValues() throws {
        let x = T.floats((0..<10).map(Float.init))
        let backwards = try OperatorHarness.check("Slice", inputs: [x, T.int64s([8]), T.int64s([1]), nil, T.int64s([-3])], opset: 13)
        #expect(backwards.cpu[0].floats() == [8, 5, 2] as [Float])
        #expect(backwards.gpu?[0].floats() == [8, 5, 2] as [Float])
        let reversed = try OperatorHarness.check("Slice", inputs: [x, T.int64s([-1]), T.int64s([Int(Int64.min)]), T.int64s([0]), T.int64s([-1])], opset: 13)
        #expect(reversed.cpu[0].floats() == (0..<10).reversed().map(Float.init))
        // Before opset 10, starts/ends/axes are attributes and there are no steps.
        let m = T.floats((0..<12).map(Float.init), dims: [3, 4])
        let old = try OperatorHarness.check("Slice", attributes: ["starts": .ints([1, -2]), "ends": .ints([3, 100]), "axes": .ints([0, 1])],
                                            inputs: [m], opset: 9)
        #expect(old.cpu[0].dims == [2, 2])
        #expect(old.cpu[0].floats() == [6, 7, 10, 11] as [Float])
    }

    @Test func sliceErrors() {
        let x = T.floats([1, 2, 3])
        #expect(T.errorMessage { try OperatorHarness.check("Slice", inputs: [x, T.int64s([0]), T.int64s([2]), nil, T.int64s([0])], opset: 13) }
                == "Slice step 0 for axis 0 is not allowed")
        #expect(T.errorMessage { try OperatorHarness.check("Slice", inputs: [x, T.int64s([0]), T.int64s([2]), T.int64s([1])], opset: 13) }
                == "axes value 1 is out of range for rank 1 (allowed -1...0)")
        #expect(T.errorMessage { try OperatorHarness.check("Slice", inputs: [x, T.int64s([0, 0]), T.int64s([2])], opset: 13) }?
                .contains("differ in length") == true)
    }

    // MARK: Expand and Tile

    static let expandCases: [([Int], [Int])] = [([], [2, 3]), ([3, 1], [2, 1, 4]), ([1], [0]), ([2, 3], [1, 1]), ([4, 1, 2], [4, 3, 2]), ([1, 1], [5, 300])]

    @Test(arguments: types, expandCases)
    func expandGPUMatchesCPU(type: DataType, shapes: ([Int], [Int])) throws {
        try OperatorHarness.check("Expand", inputs: [T.random(type, shapes.0, seed: 2), T.int64s(shapes.1)], opset: 13)
    }

    @Test func expandReferenceValuesAndErrors() throws {
        let x = T.floats([1, 2, 3], dims: [3, 1])
        let out = try OperatorHarness.check("Expand", inputs: [x, T.int64s([2, 1, 2])], opset: 13).cpu[0]
        #expect(out.dims == [2, 3, 2])
        #expect(out.floats() == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3] as [Float])
        #expect(T.errorMessage { try OperatorHarness.check("Expand", inputs: [x, T.int64s([2, 4])], opset: 13) }
                == "cannot expand [3, 1] to [2, 4]: each dim must match or be 1")
    }

    static let tileCases: [([Int], [Int])] = [([], []), ([3], [4]), ([2, 3], [2, 2]), ([2, 3], [1, 0]), ([0, 2], [3, 1]), ([2, 1, 3], [1, 5, 2]), ([2, 3, 4, 5], [2, 2, 2, 2])]

    @Test(arguments: types, tileCases)
    func tileGPUMatchesCPU(type: DataType, shapes: ([Int], [Int])) throws {
        let fits = shapes.0.count <= 3
        let outcome = try OperatorHarness.check("Tile", inputs: [T.random(type, shapes.0, seed: 4), T.int64s(shapes.1)], opset: 13, requireGPU: fits)
        if !fits { #expect(outcome.gpuReason?.contains("rank 8") == true) }
    }

    @Test func tileReferenceValuesAndErrors() throws {
        let x = T.floats([1, 2, 3, 4], dims: [2, 2])
        let out = try OperatorHarness.check("Tile", inputs: [x, T.int64s([1, 2])], opset: 13).cpu[0]
        #expect(out.dims == [2, 4])
        #expect(out.floats() == [1, 2, 1, 2, 3, 4, 3, 4] as [Float])
        #expect(T.errorMessage { try OperatorHarness.check("Tile", inputs: [x, T.int64s([2])], opset: 13) }
                == "Tile repeats [2] must be 2 non-negative counts, one per axis of [2, 2]")
    }

    /// Values from a model must never trap: huge steps, shapes and pads are errors or harmless.
    @Test func hugeValuesFromTheModelAreHandled() throws {
        let x = T.random(.float32, [10, 10], seed: 1)
        let big = Int(Int64.max)
        let one = try OperatorHarness.check("Slice", inputs: [x, T.int64s([0, 9]), T.int64s([big, Int(Int64.min)]), nil, T.int64s([big, Int(Int64.min)])], opset: 13)
        #expect(one.cpu[0].dims == [1, 1])
        #expect(one.cpu[0].floats() == [x.floats()[9]])
        #expect(T.errorMessage { try OperatorHarness.check("Expand", inputs: [x, T.int64s([1 << 40, 1 << 40, 10, 10])], opset: 13) }?
                .contains("too many elements") == true)
        #expect(T.errorMessage { try OperatorHarness.check("Tile", inputs: [x, T.int64s([big, 2])], opset: 13) } == "Tile of [10, 10] by [\(big), 2] is too large")
        #expect(T.errorMessage { try OperatorHarness.check("Pad", inputs: [x, T.int64s([big, 0, big, 0])], opset: 13) }?.contains("is too large") == true)
        let empty = try OperatorHarness.check("Range", inputs: [try TensorData([Int64.max], dims: []), try TensorData([Int64.min], dims: []),
                                                               try TensorData([Int64(1)], dims: [])], requireGPU: false)
        #expect(empty.cpu[0].dims == [0])
    }

    /// Devices without 8- or 16-bit storage fall back to the CPU for those types, with the reason.
    @Test func narrowTypesNeedStorageFeatures() throws {
        var device = OperatorHarness.context.capabilities
        device.storageBuffer8Bit = false
        device.storageBuffer16Bit = false
        let transpose = try T.make("Transpose", inputCount: 1)
        let bytes = [PlanInput(spec: TensorSpec(.uint8, [2, 3]))]
        #expect(transpose.gpuUnsupportedReason(bytes, outputs: [TensorSpec(.uint8, [3, 2])], device: device) == "device lacks 8-bit storage for uint8")
        let halves = [PlanInput(spec: TensorSpec(.float16, [2, 3]))]
        #expect(transpose.gpuUnsupportedReason(halves, outputs: [TensorSpec(.float16, [3, 2])], device: device) == "device lacks 16-bit storage for float16")
        let words = [PlanInput(spec: TensorSpec(.int64, [2, 3]))]
        #expect(transpose.gpuUnsupportedReason(words, outputs: [TensorSpec(.int64, [3, 2])], device: device) == nil)
        let cast = try T.make("Cast", attributes: ["to": .int(Int(DataType.bool.rawValue))], inputCount: 1)
        #expect(cast.gpuUnsupportedReason([PlanInput(spec: TensorSpec(.float32, [4]))], outputs: [TensorSpec(.bool, [4])], device: device)
                == "device lacks 8-bit storage for bool")
        let select = try T.make("Where", inputCount: 3)
        #expect(select.gpuUnsupportedReason([], outputs: [TensorSpec(.float32, [4])], device: device) == "device lacks 8-bit storage for the bool condition")
    }

    @Test func copyBoxesMergeContiguousAxes() {
        let box = CopyBox(dims: [2, 1, 3, 4], source: [12, 12, 4, 1], destination: [1, 2, 2 * 3, 2 * 12])
        // Axes 2 and 3 are contiguous in the source but not in the destination: nothing merges
        // except the size-1 axis, which drops.
        #expect(box.simplified().dims == [2, 3, 4])
        let contiguous = CopyBox(dims: [2, 3, 4], source: [12, 4, 1], destination: [12, 4, 1])
        #expect(contiguous.simplified() == CopyBox(dims: [24], source: [1], destination: [1]))
    }
}
