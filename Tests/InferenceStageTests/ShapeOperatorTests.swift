import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout (aliases), Shape, Size, Constant,
/// ConstantOfShape and Range (folded when planning, CPU only).
@Suite struct ShapeOperatorTests {
    typealias T = DataOperatorTesting

    func dims(_ opType: String, _ inputs: [TensorData?], opset: Int = 17) throws -> [Int] {
        try dims(opType, [:], inputs, opset: opset)
    }

    func dims(_ opType: String, _ attributes: [String: Attribute], _ inputs: [TensorData?], opset: Int = 17) throws -> [Int] {
        let outcome = try OperatorHarness.check(opType, attributes: attributes, inputs: inputs, opset: opset, requireGPU: false)
        // Aliases keep the bytes.
        #expect(outcome.cpu[0].bytes == inputs[0]?.bytes)
        return outcome.cpu[0].dims
    }

    @Test func reshapeDims() throws {
        let x = T.random(.int8, [2, 3, 4], seed: 1)
        #expect(try dims("Reshape", [x, T.int64s([4, -1])]) == [4, 6])
        #expect(try dims("Reshape", [x, T.int64s([0, 0, -1, 2])]) == [2, 3, 2, 2])
        #expect(try dims("Reshape", [x, T.int64s([-1])]) == [24])
        let empty = T.random(.float32, [0, 3], seed: 1)
        // Without allowzero, 0 copies the input's dim 1 (3): nine elements where there are none.
        #expect(T.errorMessage { _ = try dims("Reshape", [empty, T.int64s([3, 0])], opset: 14) }
                == "cannot reshape [0, 3] (0 elements) to [3, 0]: the new shape holds 9 elements")
        #expect(try dims("Reshape", ["allowzero": .int(1)], [empty, T.int64s([3, 0])], opset: 14) == [3, 0])
        let scalar = T.floats([5], dims: [])
        #expect(try dims("Reshape", [scalar, T.int64s([1, 1])]) == [1, 1])
        #expect(try dims("Reshape", [T.floats([5], dims: [1, 1]), T.int64s([])]) == [])
    }

    @Test func reshapeErrorsNameTheShapes() {
        let x = T.random(.float32, [2, 3], seed: 1)
        #expect(T.errorMessage { _ = try dims("Reshape", [x, T.int64s([4, 2])]) }
                == "cannot reshape [2, 3] (6 elements) to [4, 2]: the new shape holds 8 elements")
        #expect(T.errorMessage { _ = try dims("Reshape", [x, T.int64s([-1, -1])]) }
                == "cannot reshape [2, 3] (6 elements) to [-1, -1]: more than one -1")
        #expect(T.errorMessage { _ = try dims("Reshape", [x, T.int64s([4, -1])]) }
                == "cannot reshape [2, 3] (6 elements) to [4, -1]: the other dims (product 4) do not divide the element count")
        #expect(T.errorMessage { _ = try dims("Reshape", [T.random(.float32, [0, 3], seed: 1), T.int64s([0, -1])]) }
                == "cannot reshape [0, 3] (0 elements) to [0, -1]: -1 is ambiguous when the other dims hold no elements")
        #expect(T.errorMessage { _ = try dims("Reshape", ["allowzero": .int(1)], [x, T.int64s([0, -1])], opset: 14) }
                == "cannot reshape [2, 3] (6 elements) to [0, -1]: allowzero forbids 0 together with -1")
    }

    @Test func flattenSqueezeUnsqueezeIdentity() throws {
        let x = T.random(.float16, [2, 1, 3, 1], seed: 2)
        #expect(try dims("Flatten", [x]) == [2, 3])
        #expect(try dims("Flatten", ["axis": .int(0)], [x]) == [1, 6])
        #expect(try dims("Flatten", ["axis": .int(-1)], [x]) == [6, 1])
        #expect(try dims("Flatten", ["axis": .int(4)], [x]) == [6, 1])
        #expect(try dims("Squeeze", [x], opset: 13) == [2, 3])
        #expect(try dims("Squeeze", [x, T.int64s([-1])], opset: 13) == [2, 1, 3])
        #expect(try dims("Squeeze", ["axes": .ints([1])], [x], opset: 11) == [2, 3, 1])
        #expect(try dims("Unsqueeze", [x, T.int64s([0, -1])], opset: 13) == [1, 2, 1, 3, 1, 1])
        #expect(try dims("Unsqueeze", ["axes": .ints([2, 0])], [x], opset: 11) == [1, 2, 1, 1, 3, 1])
        #expect(try dims("Unsqueeze", [T.floats([1], dims: []), T.int64s([0])], opset: 13) == [1])
        #expect(try dims("Identity", [x]) == [2, 1, 3, 1])
        #expect(try dims("Dropout", [x, T.floats([0.5])], opset: 13) == [2, 1, 3, 1])
    }

    @Test func squeezeAndUnsqueezeErrors() {
        let x = T.random(.float32, [2, 1, 3], seed: 1)
        #expect(T.errorMessage { _ = try dims("Squeeze", [x, T.int64s([0])], opset: 13) }
                == "cannot squeeze axis 0 of [2, 1, 3]: its size is 2, not 1")
        #expect(T.errorMessage { _ = try dims("Squeeze", [x, T.int64s([3])], opset: 13) }
                == "axes value 3 is out of range for rank 3 (allowed -3...2)")
        #expect(T.errorMessage { _ = try dims("Unsqueeze", [x, T.int64s([1, 1])], opset: 13) }
                == "axes [1, 1] name axis 1 twice")
        #expect(T.errorMessage { _ = try dims("Flatten", ["axis": .int(5)], [x]) }
                == "Flatten axis 5 is out of range for rank 3 (allowed -3...3)")
    }

    @Test func dropoutMaskIsAllTrueOnTheCPU() throws {
        let x = T.random(.float32, [3, 4], seed: 3)
        let outcome = try T.check("Dropout", inputs: [x, T.floats([0.3], dims: [])], outputCount: 2, opset: 13, requireGPU: false)
        #expect(outcome.cpu[0] == x)
        #expect(outcome.cpu[1].dataType == .bool)
        #expect(outcome.cpu[1].bytes == [UInt8](repeating: 1, count: 12))
        #expect(outcome.gpuReason == "Dropout's mask output is made on the CPU")
        // Before opset 10 the mask has the data's type.
        let old = try T.check("Dropout", attributes: ["ratio": .float(0.3)], inputs: [x], outputCount: 2, opset: 9, requireGPU: false)
        #expect(old.cpu[1] == T.floats([Float](repeating: 1, count: 12), dims: [3, 4]))
        let training = try TensorData(dataType: .bool, dims: [], bytes: [1])
        #expect(T.errorMessage { try T.check("Dropout", inputs: [x, T.floats([0.3], dims: []), training], outputCount: 1, opset: 13) }?
                .contains("training mode") == true)
    }

    /// When the planner cannot alias (the output is a caller's buffer), the alias operators copy.
    @Test(arguments: DataOperatorTesting.everyType)
    func aliasOperatorsCopyWhenNotAliased(type: DataType) throws {
        let x = T.random(type, [3, 5], seed: 8)
        let op = try T.make("Reshape", inputCount: 2)
        let shape = T.int64s([5, 3])
        let specs = try op.outputSpecs([PlanInput(spec: TensorSpec(type, [3, 5])), PlanInput(spec: TensorSpec(.int64, [2]), constant: shape)])
        #expect(op.gpuUnsupportedReason([], outputs: specs, device: OperatorHarness.context.capabilities) == nil)
        let gpu = try OperatorHarness.runGPU(op, inputs: [x, shape], specs: specs, constants: [nil, shape])
        #expect(gpu[0].bytes == x.bytes)
        #expect(gpu[0].dims == [5, 3])
    }

    @Test func shapeAndSize() throws {
        let x = T.random(.uint8, [2, 3, 4, 5], seed: 1)
        func shape(_ attributes: [String: Attribute]) throws -> [Int64] {
            try OperatorHarness.check("Shape", attributes: attributes, inputs: [x], opset: 15, requireGPU: false).cpu[0].int64s()
        }
        #expect(try shape([:]) == [2, 3, 4, 5])
        #expect(try shape(["start": .int(1)]) == [3, 4, 5])
        #expect(try shape(["end": .int(-1)]) == [2, 3, 4])
        #expect(try shape(["start": .int(-10), "end": .int(10)]) == [2, 3, 4, 5])
        #expect(try shape(["start": .int(3), "end": .int(1)]) == [])
        let size = try OperatorHarness.check("Size", inputs: [x], requireGPU: false)
        #expect(size.cpu[0].dims == [])
        #expect(size.cpu[0].int64s() == [120])
        #expect(size.gpuReason?.contains("folds") == true)
        let scalarShape = try OperatorHarness.check("Shape", inputs: [T.floats([1], dims: [])], requireGPU: false).cpu[0]
        #expect(scalarShape.dims == [0])
    }

    @Test func constantForms() throws {
        func value(_ attributes: [String: Attribute]) throws -> TensorData {
            try OperatorHarness.check("Constant", attributes: attributes, inputs: [], requireGPU: false).cpu[0]
        }
        let tensor = T.int64s([1, 2, 3], dims: [3, 1])
        #expect(try value(["value": .tensor(tensor)]) == tensor)
        #expect(try value(["value_float": .float(2.5)]) == T.floats([2.5], dims: []))
        #expect(try value(["value_floats": .floats([1, 2])]) == T.floats([1, 2]))
        #expect(try value(["value_int": .int(-4)]) == T.int64s([-4], dims: []))
        #expect(try value(["value_ints": .ints([7, 8, 9])]) == T.int64s([7, 8, 9]))
        #expect(T.errorMessage { _ = try value([:]) }?.contains("exactly one value attribute, found none") == true)
        #expect(T.errorMessage { _ = try value(["value_int": .int(1), "value_float": .float(1)]) }?.contains("found value_float, value_int") == true)
        #expect(T.errorMessage { _ = try value(["value_string": .string("a")]) }?.contains("no string or sparse tensors") == true)
    }

    @Test func constantOfShape() throws {
        let ones = try OperatorHarness.check("ConstantOfShape", attributes: ["value": .tensor(T.int64s([7]))], inputs: [T.int64s([2, 3])], requireGPU: false)
        #expect(ones.cpu[0].dims == [2, 3])
        #expect(ones.cpu[0].int64s() == [Int64](repeating: 7, count: 6))
        let zeros = try OperatorHarness.check("ConstantOfShape", inputs: [T.int64s([0])], requireGPU: false).cpu[0]
        #expect(zeros == T.floats([], dims: [0]))
        let scalar = try OperatorHarness.check("ConstantOfShape", inputs: [T.int64s([])], requireGPU: false).cpu[0]
        #expect(scalar == T.floats([0], dims: []))
        #expect(T.errorMessage { try OperatorHarness.check("ConstantOfShape", inputs: [T.int64s([2, -1])], requireGPU: false) }
                == "ConstantOfShape shape [2, -1] has a negative dim or too many elements")
    }

    @Test func rangeValues() throws {
        func range(_ start: TensorData, _ limit: TensorData, _ delta: TensorData) throws -> TensorData {
            try OperatorHarness.check("Range", inputs: [start, limit, delta], requireGPU: false).cpu[0]
        }
        let scalar = { (v: Int64) in try TensorData([v], dims: []) }
        let float = { (v: Float) in try TensorData([v], dims: []) }
        #expect(try range(scalar(10), scalar(4), scalar(-3)).int64s() == [10, 7])
        #expect(try range(float(1), float(2), float(0.25)).floats() == [1, 1.25, 1.5, 1.75] as [Float])
        #expect(try range(scalar(3), scalar(3), scalar(1)).dims == [0])
        #expect(try range(scalar(5), scalar(1), scalar(1)).dims == [0])
        let int32 = try OperatorHarness.check("Range", inputs: [try TensorData([Int32(0)], dims: []), try TensorData([Int32(5)], dims: []),
                                                               try TensorData([Int32(2)], dims: [])], requireGPU: false).cpu[0]
        #expect(int32.dataType == .int32)
        #expect(int32.int64s() == [0, 2, 4])
        #expect(T.errorMessage { _ = try range(scalar(0), scalar(4), scalar(0)) } == "Range delta is 0")
        #expect(T.errorMessage { _ = try range(scalar(0), float(4), scalar(1)) } == "Range inputs differ in type: start is int64, limit is float32")
        #expect(T.errorMessage { _ = try range(float(0), float(1e10), float(1)) }?.contains("more than") == true)
    }
}
