import Foundation
import GPUCore
import Testing
@testable import InferenceStage

@Suite struct ExternalDataReaderTests {
    private let tensor = "initializer 'w' of graph 'main'"

    @Test func external_data_at_an_offset_loads() throws {
        let model = try ModelLoader.load(path: Fixtures.path("external/good.onnx"))
        let weights = try #require(model.graph.initializers["w"])
        #expect(weights.dims == [2, 3])
        #expect(try weights.scalars(as: Float.self) == [0, 0.5, 1, 1.5, 2, 2.5])
    }

    @Test func dotdot_escape_is_rejected() {
        guard case .externalData(let name, let location, let reason)? = Fixtures.loadError("external/escape_dotdot.onnx") else {
            Issue.record("../ escape not rejected")
            return
        }
        #expect(name == tensor)
        #expect(location == "../outside.bin")
        #expect(reason.contains("outside the model directory"))
    }

    @Test func absolute_location_is_rejected() {
        guard case .externalData(_, let location, let reason)? = Fixtures.loadError("external/escape_absolute.onnx") else {
            Issue.record("absolute path not rejected")
            return
        }
        #expect(location == "/etc/passwd")
        #expect(reason.contains("absolute paths are not allowed"))
    }

    @Test func symlink_leading_outside_is_rejected() {
        guard case .externalData(_, let location, let reason)? = Fixtures.loadError("external/escape_symlink.onnx") else {
            Issue.record("symlink escape not rejected")
            return
        }
        #expect(location == "link_outside.bin")
        #expect(reason.contains("outside the model directory"))
    }

    @Test func offset_past_end_of_file_is_rejected() {
        guard case .externalData(_, _, let reason)? = Fixtures.loadError("external/offset_past_end.onnx") else {
            Issue.record("offset past end not rejected")
            return
        }
        #expect(reason == "offset 32 + length 24 runs past the end of the file (40 bytes)")
    }

    @Test func declared_length_must_match_the_shape() {
        guard case .externalData(_, _, let reason)? = Fixtures.loadError("external/length_mismatch.onnx") else {
            Issue.record("length mismatch not rejected")
            return
        }
        #expect(reason.contains("declares length 20"))
    }

    @Test func missing_external_file_is_reported() {
        guard case .externalData(_, let location, _)? = Fixtures.loadError("external/missing_file.onnx") else {
            Issue.record("missing external file not reported")
            return
        }
        #expect(location == "no_such_file.bin")
    }

    @Test func hard_linked_data_file_is_rejected() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outside = directory + "/outside-weights.bin"
        let modelDirectory = directory + "/model"
        try FileManager.default.createDirectory(atPath: modelDirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("external/weights.bin"), toPath: outside)
        try FileManager.default.linkItem(atPath: outside, toPath: modelDirectory + "/weights.bin")
        try FileManager.default.copyItem(atPath: Fixtures.path("external/good.onnx"), toPath: modelDirectory + "/good.onnx")

        let error = Result { () throws(ModelError) in try ModelLoader.load(path: modelDirectory + "/good.onnx") }.failureValue
        guard case .externalData(_, let location, let reason)? = error else {
            Issue.record("hard-linked data file was not rejected: \(String(describing: error))")
            return
        }
        #expect(location == "weights.bin")
        #expect(reason.contains("2 hard links"))

        // The same file with a single link loads: the check is about the link count, not the path.
        try FileManager.default.removeItem(atPath: outside)
        #expect(try ModelLoader.load(path: modelDirectory + "/good.onnx").graph.initializers["w"]?.elementCount == 6)
    }

    @Test func external_data_from_bytes_needs_a_base_directory() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("external/good.onnx"))))
        guard case .externalData(_, _, let reason) = (Result { () throws(ModelError) in
            try ModelLoader.load(bytes: bytes, baseDirectory: nil)
        }.failureValue) else {
            Issue.record("bytes without base directory loaded external data")
            return
        }
        #expect(reason.contains("without a directory"))
        let loaded = try ModelLoader.load(bytes: bytes, baseDirectory: Fixtures.path("external"))
        #expect(loaded.graph.initializers["w"]?.elementCount == 6)
    }
}
