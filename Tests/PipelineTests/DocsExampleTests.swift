import Foundation
import Testing
@testable import Pipeline

/// Runs the example from docs/pipelines.md so the documentation cannot drift from the code.
struct DocsExampleTests {
    private func exampleJSON() throws -> String {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/pipelines.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "```json\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        return String(text[start.upperBound..<end.lowerBound])
    }

    @Test func theDocumentedExampleRuns() async throws {
        let folder = try temporaryDirectory()
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images.appendingPathComponent("more"), withIntermediateDirectories: true)
        try Data(count: 10).write(to: images.appendingPathComponent("b.jpg"))
        try Data(count: 7).write(to: images.appendingPathComponent("a.png"))
        try Data(count: 3).write(to: images.appendingPathComponent("more/c.PNG"))
        try Data(count: 1).write(to: images.appendingPathComponent("notes.txt"))
        let file = folder.appendingPathComponent("list-images.json")
        try exampleJSON().write(to: file, atomically: true, encoding: .utf8)

        var registry = StageRegistry()
        registry.registerBuiltIns()
        #expect(try registry.validationIssues(at: file).isEmpty)
        let summary = try await PipelineEngine(pipeline: try registry.loadPipeline(at: file)).run()
        #expect(summary.results == 3 && summary.errors == 0 && summary.isConsistent)

        let base = images.standardizedFileURL.path
        let lines = try String(contentsOf: folder.appendingPathComponent("out/sizes.jsonl"), encoding: .utf8)
        #expect(lines == """
            {"index":0,"source":"\(base)/a.png","status":"ok","path":"\(base)/a.png","bytes":7}
            {"index":1,"source":"\(base)/b.jpg","status":"ok","path":"\(base)/b.jpg","bytes":10}
            {"index":2,"source":"\(base)/more/c.PNG","status":"ok","path":"\(base)/more/c.PNG","bytes":3}

            """)
    }

    @Test func fileListsResolveRelativeToTheListFile() throws {
        let folder = try temporaryDirectory()
        try "# inputs\nx.png\n\n/abs/y.png\n".write(to: folder.appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        let source = FileListSource(options: .init(path: "list.txt", extensions: nil, recursive: nil),
                                    context: StageContext(stageName: "src", paths: PipelinePaths(pipelineFile: folder.appendingPathComponent("p.json"))))
        #expect(try source.list().map(\.path) == ["/abs/y.png", folder.appendingPathComponent("x.png").standardizedFileURL.path])
        let missing = FileListSource(options: .init(path: "nope", extensions: nil, recursive: nil),
                                     context: StageContext(stageName: "src", paths: PipelinePaths(pipelineFile: folder.appendingPathComponent("p.json"))))
        #expect(throws: FileListError.missing(folder.appendingPathComponent("nope").standardizedFileURL.path)) { try missing.list() }
    }
}

struct FileListSourceValidationTests {
    @Test func aMissingFolderIsAValidationIssue() throws {
        var registry = StageRegistry()
        registry.registerBuiltIns()
        let folder = try temporaryDirectory()
        let json = #"{"stages": [{"name": "src", "type": "source.files", "options": {"path": "missing"}}]}"#
        let (definition, _) = try PipelineLoader.load(json, file: folder.appendingPathComponent("p.json"))
        let issues = registry.validate(definition)
        #expect(issues.map(\.description) == [
            "stages[0].options.path: \(folder.appendingPathComponent("missing").standardizedFileURL.path) does not exist (relative paths start at the pipeline file's folder)",
        ])
        #expect(issues.first?.location == SourceLocation(line: 1, column: 73))
    }
}
