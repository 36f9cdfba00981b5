import GPUCore

/// Bound buffers that a captured stream was recorded with: replays are valid only for the same
/// feed and fetch buffers (their addresses are baked into the command buffer).
struct CaptureKey: Hashable {
    let planID: Int
    let feeds: [String: ObjectIdentifier]
    let fetches: [String: ObjectIdentifier]
}

/// A recorded whole-graph stream with the arena and output buffers it writes.
final class CapturedRun: @unchecked Sendable {
    let stream: CommandStream
    let arena: PlanArena
    let outputBuffers: [String: GPUBuffer]
    let outputSpecs: [String: TensorSpec]
    private let lock = Locked(0)

    init(stream: CommandStream, arena: PlanArena, outputBuffers: [String: GPUBuffer], outputSpecs: [String: TensorSpec]) {
        self.stream = stream
        self.arena = arena
        self.outputBuffers = outputBuffers
        self.outputSpecs = outputSpecs
    }

    /// Replays serially: one captured stream cannot be pending twice.
    func replay() throws {
        try lock.withLock { count in
            try stream.run()
            count += 1
        }
    }

    var replays: Int { lock.current }
}

extension InferenceSession {
    /// Graph capture: check the conditions, record on first use of these buffers, replay after.
    func runCaptured(plan: ExecutionPlan, feeds: [String: Tensor], fetches: [String: Tensor], fetchBuffers: [String: GPUBuffer],
                     names: [String]) throws -> [String: Tensor] {
        for input in compiled.graph.inputs where !compiled.overridableInputs.contains(input.name) {
            let dims = input.shape ?? []
            if input.shape == nil || dims.contains(where: { if case .fixed = $0 { return false } else { return options.freeDimensionOverrides[$0.description] == nil } }) {
                throw InferenceError.graphCapture("input '\(input.name)' has dynamic dims [\(dims.map(\.description).joined(separator: ", "))]; give freeDimensionOverrides for its symbols")
            }
        }
        let cpuNodes = plan.steps.filter { $0.placement == .cpu }.map(\.node.node.label)
        guard cpuNodes.isEmpty else {
            let reasons = plan.fallbacks.prefix(3).map { "\($0.node): \($0.reason)" }.joined(separator: "; ")
            throw InferenceError.graphCapture("\(cpuNodes.count) node(s) run on the CPU (\(reasons))")
        }
        var feedIDs: [String: ObjectIdentifier] = [:]
        for (name, tensor) in feeds {
            guard tensor.location == .gpuBuffer else {
                throw InferenceError.graphCapture("feed '\(name)' is a CPU tensor; feed GPU tensors (Tensor.fromGpuBuffer)")
            }
            feedIDs[name] = ObjectIdentifier(try tensor.gpuBuffer())
        }
        for name in outputNames where fetchBuffers[name] == nil && options.location(of: name) != .gpuBuffer {
            throw InferenceError.graphCapture("output '\(name)' would be downloaded; set preferredOutputLocation to gpu-buffer or pre-allocate it in fetches")
        }
        let key = CaptureKey(planID: plan.id, feeds: feedIDs, fetches: fetchBuffers.mapValues(ObjectIdentifier.init))
        let captured: CapturedRun
        if let existing = captures.withLock({ $0[key] }) {
            captured = existing
        } else {
            let arena = PlanArena(sizes: plan.slotSizes)
            let runner = PlanRunner(plan: plan, context: context, arena: arena, constants: constants, profile: false)
            runner.deferSubmission = true
            try runner.bind(feeds: feeds, outputBuffers: fetchBuffers)
            var locations: [String: OutputLocation] = [:]
            for name in outputNames { locations[name] = .gpuBuffer }
            let results = try runner.run(locations: locations)
            let (stream, buffers) = runner.takeRecording()
            guard let stream else { throw InferenceError.graphCapture("the graph recorded no GPU work") }
            var specs: [String: TensorSpec] = [:]
            for (name, result) in results { if case let .gpu(_, spec) = result { specs[name] = spec } }
            captured = CapturedRun(stream: stream, arena: arena, outputBuffers: buffers, outputSpecs: specs)
            captures.withLock { $0[key] = captured }
            logger.debug("captured \(stream.dispatchCount) dispatches for replay")
        }
        try captured.replay()
        var results: [String: PlanRunner.RunOutput] = [:]
        for name in outputNames {
            if let buffer = captured.outputBuffers[name], let spec = captured.outputSpecs[name] { results[name] = .gpu(buffer, spec) }
            else if let value = plan.value(named: name), value.spec.isZeroSized {
                results[name] = .cpu(try TensorData(zeros: value.spec.dataType, dims: value.spec.dims))
            }
        }
        return try tensors(from: results, names: names, fetches: fetches)
    }

    /// Dispatches per replay of the captured streams (for tests and logs).
    public var capturedStreams: [(dispatches: Int, replays: Int)] {
        captures.withLock { $0.values.map { ($0.stream.dispatchCount, $0.replays) } }
    }
}
