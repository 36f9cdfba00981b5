import Foundation

extension StageRegistry {
    /// Reads, validates and resolves a pipeline file: what `sluice run` needs. JSON errors and
    /// every validation problem come back as one `PipelineError`.
    public func loadPipeline(at url: URL, limits: PipelineJSON.Limits = .init()) throws(PipelineError) -> ResolvedPipeline {
        let (definition, issues) = try PipelineLoader.load(contentsOf: url, limits: limits)
        return try resolve(definition, loadIssues: issues)
    }

    /// Every problem in a pipeline file, for `sluice validate` (print each with
    /// `issue.formatted(file:)`). A file that is not valid JSON throws instead.
    public func validationIssues(at url: URL, limits: PipelineJSON.Limits = .init()) throws(PipelineError) -> [ValidationIssue] {
        let (definition, issues) = try PipelineLoader.load(contentsOf: url, limits: limits)
        return issues + validate(definition)
    }
}
