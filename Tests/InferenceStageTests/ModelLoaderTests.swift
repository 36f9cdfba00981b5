import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct ModelLoaderTests {
    @Test func raw_and_typed_float_initializers_hold_the_same_values() throws {
        let model = try ModelLoader.load(path: Fixtures.path("initializers.onnx"))
        let raw = try #require(model.graph.initializers["f32_raw"])
        let typed = try #require(model.graph.initializers["f32_typed"])
        #expect(raw.dims == [2, 3])
        #expect(try raw.scalars(as: Float.self) == [1.5, -2.0, 3.25, 0.0, 4.0, -0.5])
        #expect(raw == typed)
    }

    @Test func int64_initializers_from_raw_and_typed_fields() throws {
        let model = try ModelLoader.load(path: Fixtures.path("initializers.onnx"))
        let expected: [Int64] = [1, -2, 1 << 40, -(1 << 62)]
        #expect(try model.graph.initializers["i64_raw"]?.scalars(as: Int64.self) == expected)
        #expect(try model.graph.initializers["i64_typed"]?.scalars(as: Int64.self) == expected)
    }

    @Test func float16_initializers_from_raw_data_and_int32_bit_patterns() throws {
        let model = try ModelLoader.load(path: Fixtures.path("initializers.onnx"))
        let raw = try #require(model.graph.initializers["f16_raw"])
        let typed = try #require(model.graph.initializers["f16_typed"])
        #expect(raw.dataType == .float16)
        #expect(raw.doubles() == [1.0, -2.5, 65504.0, 0.0])
        #expect(raw == typed)
    }

    @Test func small_integer_and_bool_initializers_unpack_from_int32_data() throws {
        let initializers = try ModelLoader.load(path: Fixtures.path("initializers.onnx")).graph.initializers
        #expect(try initializers["i32_typed"]?.scalars(as: Int32.self) == [7, -8, Int32.max])
        #expect(try initializers["u8_typed"]?.scalars(as: UInt8.self) == [0, 200, 255])
        #expect(try initializers["i8_typed"]?.scalars(as: Int8.self) == [-128, 0, 127])
        #expect(try initializers["bool_typed"]?.scalars(as: Bool.self) == [true, false, true])
        #expect(try initializers["scalar_f32"]?.scalars(as: Float.self) == [42])
        #expect(initializers["scalar_f32"]?.dims == [])
        #expect(initializers["empty_f32"]?.dims == [0, 3])
        #expect(initializers["empty_f32"]?.elementCount == 0)
    }

    @Test func model_metadata_inputs_and_outputs() throws {
        let model = try ModelLoader.load(path: Fixtures.path("initializers.onnx"))
        #expect(model.irVersion == 8)
        #expect(model.producerName == "sluice-fixtures")
        #expect(model.opsetImports == ["": 17])
        #expect(model.defaultOpsetVersion == 17)
        #expect(model.graph.name == "main")
        #expect(model.graph.inputs == [ValueInfo(name: "X", dataType: .float32, shape: [.fixed(2), .fixed(3)])])
        #expect(model.graph.outputs.map(\.name) == ["Y"])
        #expect(model.graph.nodes.map(\.name) == ["add_raw", "add_typed"])
        #expect(model.graph.nodes[0].inputs == ["X", "f32_raw"])
        #expect(model.graph.initializers.count == 12)
    }

    @Test func load_from_bytes_matches_load_from_path() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("initializers.onnx"))))
        let fromBytes = try ModelLoader.load(bytes: bytes, baseDirectory: nil)
        #expect(fromBytes == (try ModelLoader.load(path: Fixtures.path("initializers.onnx"))))
    }

    @Test func opset_6_and_22_are_rejected_with_the_supported_range() {
        for (file, version) in [("opset6.onnx", 6), ("opset22.onnx", 22)] {
            let error = Fixtures.loadError(file)
            #expect(error == .unsupportedOpset(domain: "", version: version, supported: 7...21))
            #expect(error?.errorDescription?.contains("7...21") == true)
        }
    }

    @Test func truncated_file_is_a_protobuf_error() {
        guard case .malformedProtobuf(let reason)? = Fixtures.loadError("truncated.onnx") else {
            Issue.record("truncated file was not reported as malformed")
            return
        }
        #expect(reason.contains("truncated"))
    }

    @Test func garbage_bytes_are_rejected() {
        let error = Fixtures.loadError("garbage.onnx")
        #expect(error != nil)
        if case .malformedProtobuf? = error {} else if case .missingGraph? = error {} else {
            Issue.record("unexpected error for garbage: \(String(describing: error))")
        }
    }

    @Test func empty_bytes_are_rejected() {
        #expect(throws: ModelError.malformedProtobuf(reason: "the file is empty")) {
            try ModelLoader.load(bytes: [], baseDirectory: nil)
        }
    }

    @Test func missing_file_names_the_path() {
        guard case .fileUnreadable(let path, _)? = Fixtures.loadError("no_such_model.onnx") else {
            Issue.record("missing file not reported")
            return
        }
        #expect(path.hasSuffix("no_such_model.onnx"))
    }

    @Test func raw_data_length_must_match_the_shape() {
        guard case .invalidTensor(let tensor, let reason)? = Fixtures.loadError("raw_length_mismatch.onnx") else {
            Issue.record("raw_data mismatch not reported")
            return
        }
        #expect(tensor == "initializer 'w' of graph 'main'")
        #expect(reason.contains("20 bytes"))
        #expect(reason.contains("need 24"))
    }

    @Test func typed_value_count_must_match_the_shape() {
        guard case .invalidTensor(_, let reason)? = Fixtures.loadError("typed_count_mismatch.onnx") else {
            Issue.record("typed count mismatch not reported")
            return
        }
        #expect(reason.contains("2 values in float_data"))
    }

    @Test func negative_and_overflowing_dims_are_rejected() {
        guard case .invalidTensor(_, let negative)? = Fixtures.loadError("negative_dim.onnx") else {
            Issue.record("negative dim not reported")
            return
        }
        #expect(negative.contains("negative dimension -3"))
        guard case .invalidTensor(_, let overflow)? = Fixtures.loadError("overflow_dims.onnx") else {
            Issue.record("overflowing dims not reported")
            return
        }
        #expect(overflow.contains("overflows"))
    }

    @Test func double_initializer_names_tensor_and_type() {
        let error = Fixtures.loadError("double_initializer.onnx")
        #expect(error == .unsupportedDataType(tensor: "initializer 'w' of graph 'main'", typeName: "double (11)"))
        #expect(error?.errorDescription?.contains("float32") == true)
    }

    @Test func limits_on_size_elements_bytes_and_nodes() throws {
        let file = "small_add.onnx"  // one Add node, a 4x4 float32 initializer (64 bytes)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: Fixtures.path(file))[.size] as? Int)
        #expect(Fixtures.loadError(file, limits: LoaderLimits(maxModelBytes: size - 1))
            == .modelTooLarge(path: Fixtures.path(file), bytes: size, limit: size - 1))
        #expect(Fixtures.loadError(file, limits: LoaderLimits(maxTensorElements: 15))
            == .tensorTooLarge(tensor: "initializer 'w' of graph 'main'", elements: 16, limit: 15))
        #expect(Fixtures.loadError(file, limits: LoaderLimits(maxTotalInitializerBytes: 63))
            == .totalTensorBytesExceeded(tensor: "initializer 'w' of graph 'main'", total: 64, limit: 63))
        #expect(Fixtures.loadError("out_of_order.onnx", limits: LoaderLimits(maxGraphNodes: 2))
            == .tooManyNodes(count: 3, limit: 2))
        #expect(Fixtures.loadError(file, limits: LoaderLimits(maxModelBytes: size, maxTensorElements: 16,
                                                              maxTotalInitializerBytes: 64, maxGraphNodes: 1)) == nil)
    }

    @Test func deeply_nested_messages_are_rejected_before_parsing() {
        // 1,200 levels: protobuf-c's recursive parser would overflow the stack on it.
        #expect(Fixtures.loadError("deep_nesting.onnx") == .nestingTooDeep(depth: 65, limit: 64))
        #expect(Fixtures.loadError("deep_nesting.onnx", limits: LoaderLimits(maxNestingDepth: 10))
            == .nestingTooDeep(depth: 11, limit: 10))
    }

    @Test func nesting_limit_applies_to_valid_models_and_can_be_raised() throws {
        #expect(Fixtures.loadError("nested_if_25.onnx") == .nestingTooDeep(depth: 65, limit: 64))
        let model = try ModelLoader.load(path: Fixtures.path("nested_if_25.onnx"), limits: LoaderLimits(maxNestingDepth: 100))
        var graph = model.graph
        var levels = 0
        while let node = graph.nodes.first, node.opType == "If" {
            graph = try node.graph("then_branch")
            levels += 1
        }
        #expect(levels == 25)
        #expect(graph.nodes.map(\.opType) == ["Identity"])
    }

    @Test func attributes_of_every_kind_are_converted() throws {
        let node = try #require(try ModelLoader.load(path: Fixtures.path("attributes.onnx")).graph.nodes.first)
        #expect(node.domain == "")  // "ai.onnx" in the file
        #expect(node.attributes["f"] == .float(0.25))
        #expect(node.attributes["i"] == .int(-3))
        #expect(node.attributes["s"] == .string("hello"))
        #expect(node.attributes["fs"] == .floats([1.0, 2.5]))
        #expect(node.attributes["is"] == .ints([1, 2, 3]))
        #expect(node.attributes["ss"] == .strings(["a", "bc"]))
        #expect(node.attributes["t"] == .tensor(try TensorData([Int64(5), 6], dims: [2])))
    }
}
