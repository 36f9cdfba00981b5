import Foundation

/// Resolves paths written in a pipeline file. A relative path means "next to the pipeline
/// file", so a pipeline folder can be moved or run from any working directory.
public struct PipelinePaths: Sendable, Equatable {
    /// The pipeline file; nil for pipelines built in memory (then the working directory is used).
    public let pipelineFile: URL?

    public init(pipelineFile: URL?) { self.pipelineFile = pipelineFile }

    public var baseDirectory: URL {
        pipelineFile?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    }

    /// `path` as an absolute file URL: absolute paths and `~/…` are kept, others are joined to
    /// the pipeline file's folder. "-" (stdout/stdin) is not a path and must be checked first.
    public func resolve(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        if path == "~" || path.hasPrefix("~/") {
            let home = FileManager.default.homeDirectoryForCurrentUser.path
            return URL(fileURLWithPath: home + path.dropFirst()).standardizedFileURL
        }
        return URL(fileURLWithPath: path, relativeTo: baseDirectory).absoluteURL.standardizedFileURL
    }
}
