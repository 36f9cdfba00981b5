import Foundation

/// Why a pipeline file could not be read as JSON. Every case that concerns the text names the
/// line and column; `file` is the pipeline file's path when it came from disk.
public enum PipelineJSONError: Error, Equatable, LocalizedError {
    case syntax(String, at: SourceLocation, file: String?)
    case duplicateKey(String, path: JSONPath, first: SourceLocation, second: SourceLocation, file: String?)
    case tooDeep(limit: Int, at: SourceLocation, file: String?)
    case tooLarge(bytes: Int, limit: Int, file: String?)
    case invalidUTF8(at: SourceLocation, file: String?)
    case unreadable(file: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .syntax(message, location, file):
            return "\(Self.prefix(file))\(location): \(message)"
        case let .duplicateKey(key, path, first, second, file):
            return "\(Self.prefix(file))\(second): duplicate key \"\(key)\" in \(path) "
                + "(first defined at \(first)); remove one of them"
        case let .tooDeep(limit, location, file):
            return "\(Self.prefix(file))\(location): JSON nested deeper than \(limit) levels; "
                + "flatten the structure (PipelineJSON.Limits.maxDepth raises the limit)"
        case let .tooLarge(bytes, limit, file):
            return "\(Self.prefix(file))pipeline file is \(bytes) bytes, over the \(limit)-byte limit; "
                + "keep large data in separate files referenced by path (PipelineJSON.Limits.maxBytes raises the limit)"
        case let .invalidUTF8(location, file):
            return "\(Self.prefix(file))\(location): the file is not valid UTF-8; save it as UTF-8"
        case let .unreadable(file, reason):
            return "cannot read pipeline file \(file): \(reason)"
        }
    }

    private static func prefix(_ file: String?) -> String { file.map { "\($0): " } ?? "" }
}
