/// A pipeline that passed validation: options decoded, edges resolved to concrete ports,
/// stages in topological order. The engine runs only these.
public struct ResolvedPipeline: Sendable {
    public struct Edge: Sendable, Hashable {
        public let fromStage: String
        public let fromPort: String
        public let toStage: String
        public let toPort: String
    }

    public struct ResolvedStage: Sendable {
        public let definition: StageDefinition
        public let entry: StageTypeEntry
        public let options: any StageOptions
        public var name: String { definition.name }
    }

    public let definition: PipelineDefinition
    /// Topological order: the source first, the final stage last.
    public let stages: [ResolvedStage]
    public let edges: [Edge]

    public var source: ResolvedStage? { stages.first { $0.entry.role == .source } }
    /// The one stage whose outputs nothing consumes.
    public var finalStage: ResolvedStage? { stages.last }

    public func stage(_ name: String) -> ResolvedStage? { stages.first { $0.name == name } }
    public func edges(into stage: String) -> [Edge] { edges.filter { $0.toStage == stage } }
    public func edges(from stage: String) -> [Edge] { edges.filter { $0.fromStage == stage } }
}
