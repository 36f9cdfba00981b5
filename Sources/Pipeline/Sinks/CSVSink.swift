import Foundation

public struct CSVSinkOptions: StageOptions, Equatable {
    public var path: String
    /// Result fields to write, after the fixed `index,source,status,error` columns.
    public var columns: [String]

    public static var schema: JSONSchemaNode {
        .object("Where records are written and which result fields become columns.", [
            .init("path", .string("Output file (relative paths are resolved against the pipeline file's folder), or \"-\" for standard output.", format: "path"), required: true),
            .init("columns", .array(of: .string("A result field name."), "Result fields written as columns after index, source, status and error; nested values are written as JSON."), required: true),
        ])
    }
}

/// `sink.csv`: a header, then one CSV row per item. The columns are fixed up front (from the
/// options) so rows stay aligned whatever fields a record carries.
public struct CSVSink: SinkStage {
    public typealias Options = CSVSinkOptions
    public static let typeName = "sink.csv"
    public static let summary = "Writes one CSV row per item (index, source, status, error, then the chosen result fields)."
    public static let fixedColumns = ["index", "source", "status", "error"]

    let target: URL?
    let columns: [String]
    let output = SinkOutput()

    public init(options: CSVSinkOptions, context: StageContext) {
        target = options.path == "-" ? nil : context.paths.resolve(options.path)
        columns = options.columns
    }

    var header: [String] { Self.fixedColumns + columns }

    public func open(resume: Bool) throws -> Set<String> {
        guard let target else {
            if resume { throw PipelineError.sink(path: "-", message: "--resume needs an output file; standard output cannot be read back") }
            output.set(.standardOutput())
            try output.write(Self.row(header))
            return []
        }
        if resume, let bytes = try readExistingOutput(target) {
            let scan = try CSVResumeScanner.scan(bytes, path: target.path)
            if scan.validLength < bytes.count { try truncateFile(target, to: scan.validLength) }
            if let existing = scan.header, existing != header {
                throw PipelineError.sink(path: target.path, message: "its columns (\(existing.joined(separator: ","))) differ from the pipeline's "
                    + "(\(header.joined(separator: ","))); write to a new file or restore the columns")
            }
            output.set(try AppendOnlyFile.open(target, truncate: false))
            if scan.header == nil { try output.write(Self.row(header)) }
            return scan.sourceIDs
        }
        output.set(try AppendOnlyFile.open(target, truncate: true))
        try output.write(Self.row(header))
        return []
    }

    public func write(_ record: Record) throws {
        var cells = ["\(record.metadata.index)", record.metadata.sourceID]
        switch record.outcome {
        case .result(let fields):
            cells += ["ok", ""] + columns.map { fields[$0].map(Self.cell) ?? "" }
        case let .error(stage, message):
            cells += ["error", "\(stage): \(message)"] + columns.map { _ in "" }
        }
        try output.write(Self.row(cells))
    }

    public func close() throws { try output.close() }

    static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): JSONWriter.formatNumber(number)
        case .array, .object: JSONWriter.compact(value)
        }
    }

    /// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
    static func row(_ cells: [String]) -> String {
        cells.map { cell in
            cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                : cell
        }.joined(separator: ",") + "\n"
    }
}

/// Reads a CSV output back for `--resume`, quote-aware (a quoted field may hold newlines).
public enum CSVResumeScanner {
    public struct Result: Equatable, Sendable {
        public var header: [String]?
        public var sourceIDs: Set<String>
        /// Bytes up to the end of the last complete row.
        public var validLength: Int
    }

    public static func scan(_ bytes: [UInt8], path: String) throws(PipelineError) -> Result {
        var result = Result(header: nil, sourceIDs: [], validLength: 0)
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var offset = 0
        var rowNumber = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") {
                        field.append(byte)
                        offset += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inQuotes = true
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll()
            case UInt8(ascii: "\r"): break
            case UInt8(ascii: "\n"):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll()
                rowNumber += 1
                result.validLength = offset
                if result.header == nil {
                    result.header = fields
                } else if fields.count >= 2 {
                    result.sourceIDs.insert(fields[1])
                } else if fields != [""] {
                    throw .corruptOutput(path: path, line: rowNumber, message: "a row with \(fields.count) column, expected at least 2")
                }
                fields.removeAll()
            default: field.append(byte)
            }
        }
        return result
    }
}
