import Foundation
import Testing

/// A run killed with SIGKILL halfway and restarted with --resume ends with every item exactly
/// once: no duplicates, no gaps, no torn last line.
@Suite struct CrashSafetyTests {
    @Test func sigkillThenResumeGivesEveryItemExactlyOnce() async throws {
        let fixtures = CommandLineTests.root.appendingPathComponent("Tests/Fixtures/pipeline")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-kill-\(UUID().uuidString)")
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let png = try Data(contentsOf: fixtures.appendingPathComponent("images/a_red.png"))
        let count = 1500
        for i in 0..<count { try png.write(to: images.appendingPathComponent(String(format: "img%05d.png", i))) }
        let output = folder.appendingPathComponent("out.jsonl")
        let pipeline = folder.appendingPathComponent("p.json")
        try """
            {"defaults": {"batchSize": 1, "onError": "skip"},
             "stages": [
              {"name": "src", "type": "source.files", "options": {"path": "images"}},
              {"name": "decode", "type": "image.decode", "inputs": {"files": "src"}},
              {"name": "pre", "type": "gpu.preprocess", "inputs": {"images": "decode"}, "options": {"width": 16, "height": 16, "fit": "stretch"}},
              {"name": "model", "type": "onnx", "inputs": {"tensor": "pre"}, "options": {"model": "\(fixtures.path)/colour-classifier.onnx"}},
              {"name": "top", "type": "postprocess.topk", "inputs": {"tensor": "model"}, "options": {"k": 1}},
              {"name": "out", "type": "sink.jsonl", "inputs": {"records": "top"}, "options": {"path": "out.jsonl"}}
             ]}
            """.write(to: pipeline, atomically: true, encoding: .utf8)

        // Start a run and kill it without warning once some records are on disk.
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = ["run", pipeline.path, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var written = 0
        for _ in 0..<600 {
            try await Task.sleep(for: .milliseconds(50))
            written = (try? String(contentsOf: output, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if written >= 50 || !process.isRunning { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        #expect(written > 0 && written < count)

        let resumed = try CommandLineTests.sluice(["run", pipeline.path, "--resume", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.err)")
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")  // ends with a newline: no torn last line
        var sources: [String] = []
        for line in lines.dropLast() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            sources.append(try #require(object?["source"] as? String))
            #expect(object?["status"] as? String == "ok")
        }
        #expect(sources.count == count)
        #expect(Set(sources).count == count)
    }
}
