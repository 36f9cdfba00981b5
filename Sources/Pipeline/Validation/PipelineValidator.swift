/// Checks a pipeline against the registry and reports every problem at once: names, types,
/// options, wiring, port kinds, cycles, the source/final-stage shape, and each stage type's
/// own semantic checks.
extension StageRegistry {
    /// Every problem in `definition`; empty means it can run.
    public func validate(_ definition: PipelineDefinition) -> [ValidationIssue] {
        var validator = PipelineValidator(definition: definition, registry: self)
        return validator.run().issues
    }

    /// The runnable form of `definition`, or `.invalid` with all of its problems.
    /// `loadIssues` are structural problems already found by `PipelineLoader`.
    public func resolve(_ definition: PipelineDefinition, loadIssues: [ValidationIssue] = []) throws(PipelineError) -> ResolvedPipeline {
        var validator = PipelineValidator(definition: definition, registry: self)
        let (issues, resolved) = validator.run()
        let all = loadIssues + issues
        guard all.isEmpty, let resolved else { throw .invalid(all, file: definition.file?.path) }
        return resolved
    }
}

struct PipelineValidator {
    let definition: PipelineDefinition
    let registry: StageRegistry
    private var issues: [ValidationIssue] = []
    private var entries: [String: StageTypeEntry] = [:]
    private var options: [String: any StageOptions] = [:]
    private var edges: [ResolvedPipeline.Edge] = []
    /// Stages whose every input resolved; only these get the semantic check.
    private var fullyWired: Set<String> = []
    /// Each name's first position in the file (and that stage). Every lookup by name goes through
    /// these: a linear search per lookup made validation quadratic-to-cubic in the stage count,
    /// and a 4 MB file (the parser's cap) with tens of thousands of stages ran for hours.
    private let fileOrder: [String: Int]
    private let firstStage: [String: StageDefinition]
    /// "Did you mean" hints for unknown stage references compare against every stage name;
    /// past this many the issue is still reported, without the hint, so a file of many bad
    /// references stays linear.
    static let maxReferenceHints = 50
    private var referenceHintsGiven = 0

    init(definition: PipelineDefinition, registry: StageRegistry) {
        self.definition = definition
        self.registry = registry
        var fileOrder: [String: Int] = [:]
        var firstStage: [String: StageDefinition] = [:]
        for (index, stage) in definition.stages.enumerated() where fileOrder[stage.name] == nil {
            fileOrder[stage.name] = index
            firstStage[stage.name] = stage
        }
        self.fileOrder = fileOrder
        self.firstStage = firstStage
    }

    mutating func run() -> (issues: [ValidationIssue], resolved: ResolvedPipeline?) {
        checkNames()
        for stage in definition.stages { resolveType(stage) }
        for stage in definition.stages { resolveInputs(stage) }
        let order = checkGraph()
        let edgesInto = Dictionary(grouping: edges, by: \.toStage)
        for stage in definition.stages { runSemanticCheck(stage, incoming: edgesInto[stage.name] ?? []) }
        guard issues.isEmpty, let order else { return (issues, nil) }
        let stages = order.compactMap { name -> ResolvedPipeline.ResolvedStage? in
            guard let stage = firstStage[name], let entry = entries[name], let options = options[name] else { return nil }
            return ResolvedPipeline.ResolvedStage(definition: stage, entry: entry, options: options)
        }
        return (issues, ResolvedPipeline(definition: definition, stages: stages, edges: edges))
    }

    private mutating func report(_ path: JSONPath, _ message: String, hint: String? = nil, at node: JSONNode? = nil) {
        issues.append(ValidationIssue(path: path, message: message, hint: hint, location: node?.location))
    }

    private var stageNames: [String] { definition.stages.map(\.name) }

    // MARK: names

    private mutating func checkNames() {
        var firstUse: [String: JSONPath] = [:]
        for stage in definition.stages {
            let path = stage.path.appending("name")
            let allowed = !stage.name.isEmpty && stage.name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
            }
            if !allowed {
                report(path, "invalid stage name \"\(stage.name)\"", hint: "use letters, digits, '_' and '-' (a '.' separates stage and port in inputs)")
            }
            if let first = firstUse[stage.name] {
                report(path, "duplicate stage name \"\(stage.name)\"", hint: "also used by \(first); stage names must be unique")
            } else {
                firstUse[stage.name] = stage.path
            }
        }
    }

    // MARK: types and options

    private mutating func resolveType(_ stage: StageDefinition) {
        let entry: StageTypeEntry
        do {
            entry = try registry.lookup(stage.type)
        } catch .unknownType(_, let nearest, let known) {
            let hint = nearest.isEmpty
                ? "registered types are: \(Suggest.list(known))"
                : "did you mean " + nearest.map { "\"\($0)\"" }.joined(separator: " or ") + "?"
            report(stage.path.appending("type"), "unknown stage type \"\(stage.type)\"", hint: hint)
            return
        } catch {
            report(stage.path.appending("type"), error.description)
            return
        }
        if entries[stage.name] == nil { entries[stage.name] = entry }
        checkUnknownOptionKeys(stage, schema: entry.optionsSchema)
        do {
            let decoded = try entry.decode(options: stage.options)
            if options[stage.name] == nil { options[stage.name] = decoded }
        } catch let error as DecodingError {
            reportDecodingError(error, stage: stage, schema: entry.optionsSchema)
        } catch {
            report(stage.path.appending("options"), ErrorMessage.describe(error), at: stage.options)
        }
    }

    private mutating func checkUnknownOptionKeys(_ stage: StageDefinition, schema: JSONSchemaNode) {
        guard schema.additionalProperties == false, let members = stage.options.members else { return }
        let known = schema.properties.map(\.name)
        for member in members where !schema.declares(member.key) {
            let hint = Suggest.didYouMean(member.key, among: known)
                ?? (known.isEmpty ? "stage type \"\(stage.type)\" takes no options" : "options of \"\(stage.type)\" are: \(Suggest.list(known))")
            issues.append(ValidationIssue(path: stage.path.appending("options").appending(member.key), message: "unknown option",
                                          hint: hint, location: member.keyLocation))
        }
    }

    private mutating func reportDecodingError(_ error: DecodingError, stage: StageDefinition, schema: JSONSchemaNode) {
        let optionsPath = stage.path.appending("options")
        switch error {
        case let .keyNotFound(key, context):
            let relative = JSONPath(codingPath: context.codingPath)
            let description = schema.properties.first { $0.name == key.stringValue }?.schema.description
            report(optionsPath.appending(relative), "missing required option \"\(key.stringValue)\"",
                   hint: description, at: stage.options.node(at: relative))
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            let relative = JSONPath(codingPath: context.codingPath)
            report(optionsPath.appending(relative), context.debugDescription, at: stage.options.node(at: relative))
        @unknown default:
            report(optionsPath, String(describing: error), at: stage.options)
        }
    }

    // MARK: wiring

    private mutating func resolveInputs(_ stage: StageDefinition) {
        guard let entry = entries[stage.name], entry.typeName == stage.type else { return }
        let inputsPath = stage.path.appending("inputs")
        var complete = true
        for binding in stage.inputs {
            let path = inputsPath.appending(binding.port)
            guard let port = entry.inputPort(binding.port) else {
                let names = entry.inputPorts.map(\.name)
                report(path, "stage type \"\(entry.typeName)\" has no input port \"\(binding.port)\"",
                       hint: Suggest.didYouMean(binding.port, among: names) ?? (names.isEmpty ? "it takes no inputs" : "its inputs are: \(Suggest.list(names))"))
                complete = false
                continue
            }
            guard let edge = resolveEdge(binding, into: stage, port: port, path: path) else {
                complete = false
                continue
            }
            edges.append(edge)
        }
        for port in entry.inputPorts where !stage.inputs.contains(where: { $0.port == port.name }) {
            report(inputsPath, "missing input \"\(port.name)\"",
                   hint: "connect it to a stage that produces \"\(port.kind)\", e.g. \"\(port.name)\": \"stage\" or \"stage.port\"")
            complete = false
        }
        if complete { fullyWired.insert(stage.name) }
    }

    private mutating func resolveEdge(_ binding: InputBinding, into stage: StageDefinition, port: PortSpec, path: JSONPath) -> ResolvedPipeline.Edge? {
        let reference = binding.source
        if reference.stage == stage.name {
            report(path, "stage \"\(stage.name)\" cannot consume its own output")
            return nil
        }
        guard firstStage[reference.stage] != nil else {
            guard referenceHintsGiven < Self.maxReferenceHints else {
                report(path, "no stage named \"\(reference.stage)\"")
                return nil
            }
            referenceHintsGiven += 1
            let others = stageNames.filter { $0 != stage.name }
            let listing = "stages are: \(Suggest.list(others))"
            report(path, "no stage named \"\(reference.stage)\"",
                   hint: Suggest.didYouMean(reference.stage, among: others).map { "\($0) \(listing)" } ?? listing)
            return nil
        }
        // An upstream stage whose type is unknown was reported already; don't pile on.
        guard let upstream = entries[reference.stage] else { return nil }
        let outputs = upstream.outputPorts.map(\.name)
        let produced: PortSpec
        if let portName = reference.port {
            guard let found = upstream.outputPort(portName) else {
                report(path, "stage \"\(reference.stage)\" has no output port \"\(portName)\"",
                       hint: outputs.isEmpty ? "\"\(reference.stage)\" is a sink and has no outputs" : "its outputs are: \(Suggest.list(outputs))")
                return nil
            }
            produced = found
        } else {
            guard upstream.outputPorts.count == 1, let only = upstream.outputPorts.first else {
                report(path, outputs.isEmpty ? "stage \"\(reference.stage)\" has no outputs" : "stage \"\(reference.stage)\" has several outputs",
                       hint: outputs.isEmpty ? "\"\(reference.stage)\" is a sink; connect to the stage before it"
                           : "name one: " + outputs.map { "\"\(reference.stage).\($0)\"" }.joined(separator: ", "))
                return nil
            }
            produced = only
        }
        guard port.kind.accepts(produced.kind) else {
            report(path, "port kind mismatch: \"\(reference.stage).\(produced.name)\" produces \"\(produced.kind)\", "
                   + "but input \"\(port.name)\" of \"\(stage.type)\" expects \"\(port.kind)\"")
            return nil
        }
        return ResolvedPipeline.Edge(fromStage: reference.stage, fromPort: produced.name, toStage: stage.name, toPort: port.name)
    }

    // MARK: graph shape

    /// Topological order (Kahn), or nil after reporting cycles and shape problems.
    private mutating func checkGraph() -> [String]? {
        let stages = definition.stages
        guard !stages.isEmpty else { return nil }
        let sources = stages.filter { entries[$0.name]?.role == .source }
        if sources.isEmpty && entries.count == stages.count {
            report(["stages"], "the pipeline has no source stage", hint: "add a stage whose type lists the inputs, e.g. a file listing")
        }
        for extra in sources.dropFirst() {
            report(extra.path, "second source stage \"\(extra.name)\"",
                   hint: "a pipeline has exactly one source; \"\(sources[0].name)\" is the first")
        }
        let position = fileOrder
        let uniqueNames = fileOrder.keys.sorted { position[$0, default: 0] < position[$1, default: 0] }
        var indegree = Dictionary(uniqueKeysWithValues: uniqueNames.map { ($0, 0) })
        var successors: [String: [String]] = [:]
        for edge in Set(edges.map { [$0.fromStage, $0.toStage] }) {
            indegree[edge[1], default: 0] += 1
            successors[edge[0], default: []].append(edge[1])
        }
        // A queue read from `head` on: removeFirst() would shift the array on every step.
        var ready = uniqueNames.filter { indegree[$0] == 0 }
        var head = 0
        var order: [String] = []
        while head < ready.count {
            let name = ready[head]
            head += 1
            order.append(name)
            for next in (successors[name] ?? []).sorted(by: { position[$0, default: 0] < position[$1, default: 0] }) {
                indegree[next, default: 0] -= 1
                if indegree[next] == 0 { ready.append(next) }
            }
        }
        if order.count < uniqueNames.count {
            reportCycle(among: Set(uniqueNames).subtracting(order), successors: successors)
            return nil
        }
        let consumed = Set(edges.map(\.fromStage))
        let finals = stages.filter { !consumed.contains($0.name) }
        if finals.count > 1, fullyWired.count == fileOrder.count {
            report(["stages"], "the pipeline has \(finals.count) final stages (\(finals.map(\.name).joined(separator: ", ")))",
                   hint: "exactly one stage's output may be left unconsumed; it becomes the records")
        }
        for sink in stages where entries[sink.name]?.role == .sink && consumed.contains(sink.name) {
            report(sink.path, "sink \"\(sink.name)\" must be the final stage")
        }
        guard let last = order.last, finals.count == 1, finals[0].name == last else { return nil }
        return order
    }

    /// Reports one cycle. Kahn's leftovers include stages merely downstream of a cycle, so
    /// those are pruned first (until every stage left has a successor left); then any walk
    /// along successors must come back to itself.
    private mutating func reportCycle(among remaining: Set<String>, successors: [String: [String]]) {
        // Prune with a work list (Kahn on the reversed graph, linear): repeated passes over the
        // set took one pass per stage of a long chain downstream of the cycle.
        var onCycle = remaining
        var predecessors: [String: [String]] = [:]
        var liveSuccessors: [String: Int] = [:]
        for name in remaining {
            let inside = (successors[name] ?? []).filter(remaining.contains)
            liveSuccessors[name] = inside.count
            for next in inside { predecessors[next, default: []].append(name) }
        }
        var dead = Array(remaining.filter { liveSuccessors[$0] == 0 })
        while let name = dead.popLast() {
            onCycle.remove(name)
            for previous in predecessors[name] ?? [] where onCycle.contains(previous) {
                liveSuccessors[previous, default: 0] -= 1
                if liveSuccessors[previous] == 0 { dead.append(previous) }
            }
        }
        guard let start = stageNames.first(where: onCycle.contains) else { return }
        var path = [start]
        var visited: Set<String> = [start]
        var current = start
        let position = fileOrder
        while let next = (successors[current] ?? []).filter(onCycle.contains).min(by: { position[$0, default: 0] < position[$1, default: 0] }) {
            if visited.contains(next), let loopStart = path.firstIndex(of: next) {
                let cycle = Array(path[loopStart...]) + [next]
                let stage = firstStage[next]
                report(stage?.path.appending("inputs") ?? ["stages"], "cycle in the stage graph: \(cycle.joined(separator: " → "))",
                       hint: "stages must form a DAG; remove one of these inputs")
                return
            }
            path.append(next)
            visited.insert(next)
            current = next
        }
    }

    // MARK: stage-specific checks

    private mutating func runSemanticCheck(_ stage: StageDefinition, incoming: [ResolvedPipeline.Edge]) {
        guard fullyWired.contains(stage.name), let entry = entries[stage.name], let stageOptions = options[stage.name] else { return }
        var inputs: [String: StageCheckContext.Upstream] = [:]
        for edge in incoming {
            guard let upstream = entries[edge.fromStage], let port = upstream.outputPort(edge.fromPort),
                  let upstreamOptions = options[edge.fromStage] else { return }
            inputs[edge.toPort] = .init(stageName: edge.fromStage, stageType: upstream.typeName, port: port, options: upstreamOptions)
        }
        let context = StageCheckContext(stage: stage, paths: definition.paths, inputs: inputs)
        for issue in entry.check(stageOptions, context) {
            let path = stage.path.appending(issue.path)
            var location: SourceLocation?
            if issue.path.components.first == .key("options") {
                location = stage.options.node(at: JSONPath(Array(issue.path.components.dropFirst())))?.location
            }
            issues.append(ValidationIssue(path: path, message: issue.message, hint: issue.hint, location: location))
        }
    }
}
