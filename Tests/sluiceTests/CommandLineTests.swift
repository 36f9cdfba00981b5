import Foundation
import Testing

/// The `sluice` binary as a user runs it: exit codes and what it prints.
@Suite struct CommandLineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `sluice` next to the test bundle.
    static var binary: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("sluice").path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("sluice")
    }

    static func sluice(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    @Test func helpTeachesEveryCommand() throws {
        let (status, out, _) = try Self.sluice(["--help"])
        #expect(status == 0)
        for command in ["run", "validate", "schema", "devices", "selftest", "run-model", "inspect", "operators"] {
            #expect(out.contains("  \(command)"), "help lacks \(command)")
        }
    }

    @Test func devicesJSONListsLavapipe() throws {
        let (status, out, _) = try Self.sluice(["devices", "--json"])
        #expect(status == 0)
        let devices = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]]
        #expect(devices?.contains { ($0["name"] as? String)?.contains("llvmpipe") == true } == true)
    }

    @Test func validateReportsEveryProblemWithItsPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("bad.json")
        try """
            {"stages": [
              {"name": "src", "type": "source.files", "options": {"path": "nowhere"}},
              {"name": "dec", "type": "image.decod", "inputs": {"files": "src"}},
              {"name": "out", "type": "sink.jsonl", "inputs": {"records": "pre"}, "options": {"path": "-"}}
            ]}
            """.write(to: file, atomically: true, encoding: .utf8)
        let (status, out, _) = try Self.sluice(["validate", file.path])
        #expect(status == 1)
        #expect(out.contains("stages[1].type: unknown stage type \"image.decod\""))
        #expect(out.contains("image.decode"))
        #expect(out.contains("stages[2].inputs.records: no stage named \"pre\""))
        #expect(out.contains("stages[0].options.path"))
        #expect(try Self.sluice(["validate", "pipelines/classify.json"]).status == 0)
    }

    @Test func runModelComparesWithOnnxRuntimeOutput() throws {
        let (status, out, err) = try Self.sluice(["run-model", "pipelines/models/efficientnet-lite0.onnx",
                                                  "--input", "images=Tests/Fixtures/models/coffee_input.pb",
                                                  "--expect", "logits=Tests/Fixtures/models/coffee_logits.pb"])
        #expect(status == 0, "\(err)")
        #expect(out.contains("PASS logits"))
    }

    @Test func schemaIsJSONWithEveryStageType() throws {
        let (status, out, _) = try Self.sluice(["schema"])
        #expect(status == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(out.utf8)) is [String: Any])
        for type in ["source.files", "image.decode", "gpu.preprocess", "onnx", "postprocess.topk", "sink.jsonl"] {
            #expect(out.contains("\"\(type)\""))
        }
    }

    @Test func operatorsDocIsCurrent() throws {
        let (status, out, _) = try Self.sluice(["operators", "--markdown"])
        #expect(status == 0)
        let committed = try String(contentsOf: Self.root.appendingPathComponent("docs/operators.md"), encoding: .utf8)
        #expect(out == committed, "docs/operators.md is stale: run `swift run sluice operators --markdown > docs/operators.md`")
    }
}
