import Foundation

/// Errors of the Pipeline module, each with a message a user can act on.
public enum PipelineError: Error, LocalizedError {
    /// The file is not valid JSON (syntax, duplicate key, limits).
    case json(PipelineJSONError)
    /// Validation found problems; all of them are listed.
    case invalid([ValidationIssue], file: String?)
    /// An item failed and `onError` is `fail`.
    case itemFailed(stage: String, source: String, index: Int, message: String)
    /// A stage failed as a whole (not a single item), e.g. a source could not list its inputs.
    case stageFailed(stage: String, message: String)
    /// A stage broke the engine's contract, e.g. returned the wrong number of results.
    case contractViolation(stage: String, message: String)
    case invalidShard(String)
    case sink(path: String, message: String)
    case corruptOutput(path: String, line: Int, message: String)

    public var errorDescription: String? {
        switch self {
        case .json(let error):
            return error.errorDescription
        case let .invalid(issues, file):
            let header = "\(file ?? "pipeline") has \(issues.count) problem\(issues.count == 1 ? "" : "s"):"
            return ([header] + issues.map { "  " + $0.formatted(file: nil) }).joined(separator: "\n")
        case let .itemFailed(stage, source, index, message):
            return "item \(index) (\(source)) failed in stage \"\(stage)\": \(message); "
                + "the run stopped because onError is \"fail\" (set defaults.onError to \"skip\" to record it and continue)"
        case let .stageFailed(stage, message):
            return "stage \"\(stage)\" failed: \(message)"
        case let .contractViolation(stage, message):
            return "stage \"\(stage)\" broke the stage contract: \(message) (this is a bug in the stage type)"
        case .invalidShard(let text):
            return "invalid shard \"\(text)\": write i/N with 0 <= i < N, e.g. --shard 0/4"
        case let .sink(path, message):
            return "cannot write output \(path): \(message)"
        case let .corruptOutput(path, line, message):
            return "\(path):\(line): existing output is corrupt (\(message)); "
                + "fix or move the file, or run without --resume to start over"
        }
    }
}
