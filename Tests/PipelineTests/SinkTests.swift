import Foundation
import Testing
@testable import Pipeline

private func sinkPipeline(count: Int, sink: String, failEvery: Int = 10) -> String {
    """
    {"stages": [
      {"name": "src", "type": "test.numbers", "options": {"count": \(count)}},
      {"name": "sq", "type": "test.square", "inputs": {"in": "src"}, "options": {"failEvery": \(failEvery)}, "workers": 3},
      {"name": "lab", "type": "test.label", "inputs": {"in": "sq"}},
      \(sink)
    ]}
    """
}

private let jsonlSink = #"{"name": "out", "type": "sink.jsonl", "inputs": {"records": "lab"}, "options": {"path": "results/out.jsonl"}}"#
private let csvSink = #"{"name": "out", "type": "sink.csv", "inputs": {"records": "lab"}, "options": {"path": "out.csv", "columns": ["value", "even"]}}"#

private func lines(_ url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

struct SinkTests {
    @Test func jsonlSinkWritesOneLinePerItemRelativeToThePipelineFile() async throws {
        let folder = try temporaryDirectory()
        let pipeline = try resolve(sinkPipeline(count: 30, sink: jsonlSink), file: folder.appendingPathComponent("p.json"))
        let outcome = try await InMemoryRunner.run(pipeline)
        let written = try lines(folder.appendingPathComponent("results/out.jsonl"))
        #expect(written.last == "")
        #expect(written.count == 31)
        #expect(Set(written.dropLast()) == Set(outcome.records.map { JSONWriter.compact(.object($0.json)) }))
        #expect(written.contains(#"{"index":3,"source":"item-3","status":"ok","value":9,"even":false}"#))
        #expect(written.contains(#"{"index":10,"source":"item-10","status":"error","stage":"sq","error":"refusing 10"}"#))
    }

    @Test func csvSinkWritesHeaderAndQuotedRows() async throws {
        let folder = try temporaryDirectory()
        let pipeline = try resolve(sinkPipeline(count: 12, sink: csvSink), file: folder.appendingPathComponent("p.json"))
        _ = try await InMemoryRunner.run(pipeline)
        let rows = try lines(folder.appendingPathComponent("out.csv"))
        #expect(rows.first == "index,source,status,error,value,even")
        #expect(rows.contains("4,item-4,ok,,16,true"))
        #expect(rows.contains("10,item-10,error,sq: refusing 10,,"))
        #expect(rows.count == 14)
        #expect(CSVSink.row(["a,b", "say \"hi\"", "x\ny", "plain"]) == "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",plain\n")
    }

    @Test func resumeTruncatesATornLineAndSkipsDoneItems() async throws {
        let folder = try temporaryDirectory()
        let file = folder.appendingPathComponent("p.json")
        let output = folder.appendingPathComponent("results/out.jsonl")
        _ = try await InMemoryRunner.run(try resolve(sinkPipeline(count: 100, sink: jsonlSink), file: file))
        // Simulate a run killed mid-write: keep 40 whole records plus half of the 41st.
        let complete = try lines(output).dropLast()
        let kept = Array(complete.prefix(40))
        let torn = String(complete[40].prefix(17))
        try (kept.joined(separator: "\n") + "\n" + torn).write(to: output, atomically: true, encoding: .utf8)

        let resumed = try await InMemoryRunner.run(try resolve(sinkPipeline(count: 100, sink: jsonlSink), file: file), options: RunOptions(resume: true))
        #expect(resumed.summary.skippedByResume == 40)
        #expect(resumed.summary.admitted == 60)
        #expect(resumed.summary.isConsistent)
        let final = try lines(output).dropLast()
        #expect(final.count == 100)
        #expect(!final.contains(torn))
        let sources = try JSONLResumeScanner.scan(Array(Data(contentsOf: output)), path: output.path).sourceIDs
        #expect(sources == Set((0..<100).map { "item-\($0)" }))

        // Resuming a finished output does nothing.
        let again = try await InMemoryRunner.run(try resolve(sinkPipeline(count: 100, sink: jsonlSink), file: file), options: RunOptions(resume: true))
        #expect(again.summary.admitted == 0 && again.summary.skippedByResume == 100)
        #expect(try lines(output).count == 101)
    }

    @Test func csvResumeKeepsTheHeaderAndDropsATornRow() async throws {
        let folder = try temporaryDirectory()
        let file = folder.appendingPathComponent("p.json")
        let output = folder.appendingPathComponent("out.csv")
        try "index,source,status,error,value,even\n0,item-0,error,sq: refusing 0,,\n1,item-1,ok,,1,false\n2,item-2,o".write(to: output, atomically: true, encoding: .utf8)
        let resumed = try await InMemoryRunner.run(try resolve(sinkPipeline(count: 5, sink: csvSink), file: file), options: RunOptions(resume: true))
        #expect(resumed.summary.skippedByResume == 2)
        #expect(resumed.summary.results + resumed.summary.errors == 3)
        let rows = try lines(output)
        #expect(rows.count == 7)
        #expect(rows.filter { $0.hasPrefix("index,") }.count == 1)
        #expect(rows.contains("2,item-2,ok,,4,true"))
        #expect(!rows.contains("2,item-2,o"))
    }

    @Test func csvScannerHandlesQuotedNewlines() throws {
        let text = "index,source,status,error\n0,\"a,\nb\",ok,\n1,\"c\"\"d\",error,\"x\n"
        let scan = try CSVResumeScanner.scan(Array(text.utf8), path: "o.csv")
        #expect(scan.header == ["index", "source", "status", "error"])
        #expect(scan.sourceIDs == ["a,\nb"])
        #expect(scan.validLength == Array("index,source,status,error\n0,\"a,\nb\",ok,\n".utf8).count)
    }

    @Test func corruptLinesInTheMiddleAreReported() throws {
        let text = "{\"source\": \"a\"}\n{\"source\": \n{\"source\": \"c\"}\n"
        #expect(throws: PipelineError.self) { try JSONLResumeScanner.scan(Array(text.utf8), path: "o.jsonl") }
        do {
            _ = try JSONLResumeScanner.scan(Array(text.utf8), path: "o.jsonl")
        } catch {
            #expect(error.errorDescription?.hasPrefix("o.jsonl:2: existing output is corrupt (line 1, column 12: unexpected end of file, expected a value)") == true)
        }
        #expect(try JSONLResumeScanner.scan(Array("{\"source\": \"a\"}\n\n{\"sou".utf8), path: "o").validLength == 17)
    }

    @Test func resumeToStandardOutputIsRefused() async throws {
        let json = sinkPipeline(count: 2, sink: #"{"name": "out", "type": "sink.jsonl", "inputs": {"records": "lab"}, "options": {"path": "-"}}"#)
        await #expect(throws: PipelineError.self) {
            try await InMemoryRunner.run(json: json, registry: testRegistry(), options: RunOptions(resume: true))
        }
    }

    @Test func shardsPartitionTheInputs() async throws {
        let folder = try temporaryDirectory()
        var union: [String] = []
        var skipped = 0
        for index in 0..<4 {
            let json = sinkPipeline(count: 1000, sink: jsonlSink.replacingOccurrences(of: "results/out.jsonl", with: "out-\(index).jsonl"))
            let outcome = try await InMemoryRunner.run(try resolve(json, file: folder.appendingPathComponent("p.json")),
                                                       options: RunOptions(shard: try Shard(index: index, count: 4)))
            #expect(outcome.summary.isConsistent)
            #expect(outcome.summary.admitted > 150 && outcome.summary.admitted < 350)
            skipped += outcome.summary.skippedByShard
            let data = try Data(contentsOf: folder.appendingPathComponent("out-\(index).jsonl"))
            union += try JSONLResumeScanner.scan(Array(data), path: "out").sourceIDs
        }
        #expect(union.count == 1000)
        #expect(Set(union) == Set((0..<1000).map { "item-\($0)" }))
        #expect(skipped == 3000)
    }

    @Test func shardParsing() throws {
        #expect(try Shard(parsing: "2/8") == Shard(index: 2, count: 8))
        for bad in ["8/8", "-1/2", "1", "a/b", "1/0", "1/2/3"] {
            #expect(throws: PipelineError.self) { try Shard(parsing: bad) }
        }
        #expect(PipelineError.invalidShard("8/8").errorDescription == "invalid shard \"8/8\": write i/N with 0 <= i < N, e.g. --shard 0/4")
        // The hash is fixed (FNV-1a 64), so shards agree across machines and runs.
        #expect(StableHash.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
    }
}
