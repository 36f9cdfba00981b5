import GPUCore

/// Names for every ONNX `TensorProto.DataType` number, so an error can say "double" rather than
/// "11" for the types `DataType` deliberately leaves out.
enum OnnxTypeNames {
    private static let names: [Int32: String] = [
        0: "undefined", 1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
        7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64",
        14: "complex64", 15: "complex128", 16: "bfloat16", 17: "float8e4m3fn", 18: "float8e4m3fnuz",
        19: "float8e5m2", 20: "float8e5m2fnuz", 21: "uint4", 22: "int4", 23: "float4e2m1",
        24: "float8e8m0", 25: "uint2", 26: "int2",
    ]

    static func name(_ number: Int32) -> String {
        names[number].map { "\($0) (\(number))" } ?? "unknown type number \(number)"
    }

    static var supportedList: String { DataType.allCases.map(\.description).joined(separator: ", ") }
}
