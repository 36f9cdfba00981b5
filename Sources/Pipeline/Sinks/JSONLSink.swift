import Foundation

/// Options shared by the file sinks.
public struct FileSinkOptions: StageOptions, Equatable {
    /// A file path (relative to the pipeline file) or "-" for standard output.
    public var path: String

    public static var schema: JSONSchemaNode {
        .object("Where records are written.", [
            .init("path", .string("Output file (relative paths are resolved against the pipeline file's folder), or \"-\" for standard output.", format: "path"), required: true),
        ])
    }
}

/// `sink.jsonl`: one JSON object per line, record by record.
public struct JSONLSink: SinkStage {
    public typealias Options = FileSinkOptions
    public static let typeName = "sink.jsonl"
    public static let summary = "Writes one JSON object per item (JSON Lines) to a file or standard output."

    let target: URL?
    let output = SinkOutput()

    public init(options: FileSinkOptions, context: StageContext) {
        target = options.path == "-" ? nil : context.paths.resolve(options.path)
    }

    public func open(resume: Bool) throws -> Set<String> {
        guard let target else {
            if resume { throw PipelineError.sink(path: "-", message: "--resume needs an output file; standard output cannot be read back") }
            output.set(.standardOutput())
            return []
        }
        var done: Set<String> = []
        if resume, let bytes = try readExistingOutput(target) {
            let scan = try JSONLResumeScanner.scan(bytes, path: target.path)
            if scan.validLength < bytes.count { try truncateFile(target, to: scan.validLength) }
            done = scan.sourceIDs
        }
        output.set(try AppendOnlyFile.open(target, truncate: !resume))
        return done
    }

    public func write(_ record: Record) throws {
        try output.write(JSONWriter.compact(.object(record.json)) + "\n")
    }

    public func close() throws { try output.close() }
}

/// Reads a JSONL output back for `--resume`.
public enum JSONLResumeScanner {
    public struct Result: Equatable, Sendable {
        /// The `source` of every complete record.
        public var sourceIDs: Set<String>
        /// Bytes up to the end of the last complete line; anything after it is a torn write.
        public var validLength: Int
    }

    public static func scan(_ bytes: [UInt8], path: String) throws(PipelineError) -> Result {
        var result = Result(sourceIDs: [], validLength: 0)
        var lineStart = 0
        var lineNumber = 0
        while let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            lineNumber += 1
            let line = Array(bytes[lineStart..<newline])
            lineStart = newline + 1
            result.validLength = lineStart
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let node: JSONNode
            do {
                node = try PipelineJSON.parse(bytes: line, limits: .init(maxDepth: 512, maxBytes: Int.max))
            } catch {
                throw .corruptOutput(path: path, line: lineNumber, message: error.errorDescription ?? "invalid JSON")
            }
            guard let source = node.member("source")?.value.string else {
                throw .corruptOutput(path: path, line: lineNumber, message: "the record has no \"source\" string")
            }
            result.sourceIDs.insert(source)
        }
        return result
    }
}
