import Foundation
import Testing
@testable import Pipeline

@Suite struct FileListGlobTests {
    @Test func globPatternsListMatchingFilesInOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-glob-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub.jpg"), withIntermediateDirectories: true)
        for name in ["b.jpg", "a.jpg", "c.png", "d.JPG"] { try Data([1]).write(to: folder.appendingPathComponent(name)) }
        let source = FileListSource(options: .init(path: "*.jpg", extensions: nil, recursive: nil),
                                    context: StageContext(stageName: "src", paths: PipelinePaths(pipelineFile: folder.appendingPathComponent("p.json"))))
        // sub.jpg is a folder and is skipped; matching is case-sensitive as in a shell.
        #expect(try source.list().map(\.lastPathComponent) == ["a.jpg", "b.jpg"])
        let none = FileListSource(options: .init(path: "*.gif", extensions: nil, recursive: nil),
                                  context: StageContext(stageName: "src", paths: PipelinePaths(pipelineFile: folder.appendingPathComponent("p.json"))))
        #expect(try none.list().isEmpty)
    }
}
