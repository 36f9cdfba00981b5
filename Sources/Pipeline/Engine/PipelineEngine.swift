import Logging

/// Per-run settings that are not part of the pipeline file (they come from the command line).
public struct RunOptions: Sendable {
    /// Run only this slice of the inputs.
    public var shard: Shard?
    /// Keep the sink's existing records and skip the items they cover.
    public var resume: Bool
    /// Deliveries buffered in front of each stage.
    public var channelCapacity: Int
    public var progress: ProgressReporter?
    public var logger: Logger
    /// The GPU device the stages share.
    public var gpu: GPUProvider

    public init(shard: Shard? = nil, resume: Bool = false, channelCapacity: Int = 16, progress: ProgressReporter? = nil,
                logger: Logger = Logger(label: "sluice.pipeline"), gpu: GPUProvider = GPUProvider()) {
        self.gpu = gpu
        self.shard = shard
        self.resume = resume
        self.channelCapacity = channelCapacity
        self.progress = progress
        self.logger = logger
    }
}

/// Runs a validated pipeline: one task for the source, one (plus workers) per stage, and a
/// collector at the end, joined by bounded channels. Every admitted item ends as exactly one
/// record; `run` returns the tallies, or throws when an item fails under `onError: fail` or a
/// stage fails as a whole. Cancelling the calling task stops the run cleanly: completed
/// records are written and the summary reports `cancelled` with the unfinished count.
public struct PipelineEngine: Sendable {
    public let pipeline: ResolvedPipeline
    public let options: RunOptions

    public init(pipeline: ResolvedPipeline, options: RunOptions = RunOptions()) {
        self.pipeline = pipeline
        self.options = options
    }

    /// `onRecord` sees every record after the sink has written it (tests and progress use it).
    public func run(onRecord: @escaping @Sendable (Record) async throws -> Void = { _ in }) async throws -> RunSummary {
        let started = ContinuousClock.now
        let defaults = pipeline.definition.defaults
        let instances = try makeInstances()
        guard let sourceStage = pipeline.source, case .source(let source)? = instances[sourceStage.name],
              let finalStage = pipeline.finalStage else {
            throw PipelineError.contractViolation(stage: pipeline.definition.name ?? "pipeline", message: "a resolved pipeline must have a source and a final stage")
        }
        var sink: (any SinkStage)?
        if case .sink(let finalSink)? = instances[finalStage.name] { sink = finalSink }
        let alreadyDone: Set<String>
        do {
            alreadyDone = try sink?.open(resume: options.resume) ?? []
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError.stageFailed(stage: finalStage.name, message: ErrorMessage.describe(error))
        }

        let logger = options.logger
        logger.info("starting pipeline", metadata: [
            "pipeline": .string(pipeline.definition.name ?? pipeline.definition.file?.lastPathComponent ?? "(unnamed)"),
            "stages": .string(pipeline.stages.map(\.name).joined(separator: " → ")),
            "shard": .string(options.shard?.description ?? "all"),
            "alreadyDone": .stringConvertible(alreadyDone.count),
        ])

        // One inbox per processing stage and one for the collector, each finished once by
        // every distinct upstream stage.
        let collectorInbox = BoundedChannel<Delivery>(capacity: options.channelCapacity, producers: sink == nil ? 1 : upstreamCount(of: finalStage.name))
        var inboxes: [String: BoundedChannel<Delivery>] = [:]
        for stage in pipeline.stages where stage.entry.role == .transform {
            inboxes[stage.name] = BoundedChannel(capacity: options.channelCapacity, producers: upstreamCount(of: stage.name))
        }
        func dispatcher(for stage: ResolvedPipeline.ResolvedStage) -> Dispatcher {
            var outlets: [Outlet] = pipeline.edges(from: stage.name).compactMap { edge in
                if edge.toStage == finalStage.name, sink != nil { return Outlet(fromPort: edge.fromPort, toPort: edge.toPort, inbox: collectorInbox) }
                return inboxes[edge.toStage].map { Outlet(fromPort: edge.fromPort, toPort: edge.toPort, inbox: $0) }
            }
            if stage.name == finalStage.name { outlets = [Outlet(fromPort: Outlet.allPorts, toPort: "records", inbox: collectorInbox)] }
            return Dispatcher(stageName: stage.name, outputPorts: stage.entry.outputPorts.map(\.name), outlets: outlets)
        }

        let counters = RunCounters()
        let slots = BoundedChannel<Bool>(capacity: defaults.maxInFlight, producers: 1)
        let collector = RecordCollector(
            finalStageName: finalStage.name, inbox: collectorInbox, ordered: defaults.ordered, onError: defaults.onError,
            sink: sink, sinkName: sink == nil ? nil : finalStage.name, counters: counters, slots: slots,
            progress: options.progress, onRecord: onRecord)
        let feeder = SourceFeeder(name: sourceStage.name, source: source, dispatcher: dispatcher(for: sourceStage), shard: options.shard,
                                  alreadyDone: alreadyDone, counters: counters, slots: slots, progress: options.progress)
        let runners: [StageRunner] = pipeline.stages.compactMap { stage in
            guard case .transform(let instance)? = instances[stage.name], let inbox = inboxes[stage.name] else { return nil }
            return StageRunner(
                name: stage.name, stage: instance, inputPorts: stage.entry.inputPorts.map(\.name), inbox: inbox,
                dispatcher: dispatcher(for: stage),
                batchSize: stage.definition.batchSize ?? defaults.batchSize,
                batchTimeout: .milliseconds(stage.definition.batchTimeoutMs ?? defaults.batchTimeoutMs),
                workers: stage.definition.workers)
        }

        var firstError: (any Error)?
        await withTaskGroup(of: (any Error)?.self) { group in
            func capture(_ body: @escaping @Sendable () async throws -> Void) -> @Sendable () async -> (any Error)? {
                { do { try await body(); return nil } catch { return error } }
            }
            group.addTask(operation: capture { try await feeder.run() })
            for runner in runners { group.addTask(operation: capture { try await runner.run() }) }
            group.addTask(operation: capture { try await collector.run() })
            for await error in group {
                guard let error, !(error is CancellationError) else { continue }
                if firstError == nil {
                    firstError = error
                    group.cancelAll()
                }
            }
        }
        let wasCancelled = Task.isCancelled
        do {
            try sink?.close()
        } catch {
            firstError = firstError ?? PipelineError.stageFailed(stage: finalStage.name, message: ErrorMessage.describe(error))
        }
        options.progress?.finish()
        var summary = counters.snapshot()
        summary.cancelled = wasCancelled
        summary.elapsed = ContinuousClock.now - started
        if let firstError {
            logger.error("pipeline stopped", metadata: ["error": .string(ErrorMessage.describe(firstError)), "summary": .string(summary.description)])
            throw firstError
        }
        logger.info("pipeline finished", metadata: ["summary": .string(summary.description)])
        return summary
    }

    private func upstreamCount(of stage: String) -> Int {
        Set(pipeline.edges(into: stage).map(\.fromStage)).count
    }

    private func makeInstances() throws -> [String: StageInstance] {
        var instances: [String: StageInstance] = [:]
        for stage in pipeline.stages {
            let context = StageContext(stageName: stage.name, paths: pipeline.definition.paths, defaults: pipeline.definition.defaults,
                                       logger: options.logger, gpu: options.gpu)
            do {
                instances[stage.name] = try stage.entry.makeInstance(options: stage.options, context: context)
            } catch {
                throw PipelineError.stageFailed(stage: stage.name, message: ErrorMessage.describe(error))
            }
        }
        return instances
    }
}

/// Runs the source and admits its items: index, shard and resume filtering, the in-flight
/// bound, then dispatch to the consuming stages.
struct SourceFeeder: Sendable {
    let name: String
    let source: any SourceStage
    let dispatcher: Dispatcher
    let shard: Shard?
    let alreadyDone: Set<String>
    let counters: RunCounters
    let slots: BoundedChannel<Bool>
    let progress: ProgressReporter?

    func run() async throws {
        let emitter = SourceEmitter(
            emit: { sourceID, result in try await admit(sourceID: sourceID, result: result) },
            announceTotal: { total in progress?.setTotal(total) })
        do {
            try await source.produce(into: emitter)
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            throw PipelineError.stageFailed(stage: name, message: ErrorMessage.describe(error))
        }
        dispatcher.finish()
    }

    private func admit(sourceID: String, result: Result<any Sendable, SourceItemFailure>) async throws {
        let index = counters.nextListingIndex()
        if let shard, !shard.contains(sourceID: sourceID) {
            counters.skipByShard()
            progress?.itemSkipped()
            return
        }
        if alreadyDone.contains(sourceID) {
            counters.skipByResume()
            progress?.itemSkipped()
            return
        }
        try await slots.send(true)
        let metadata = ItemMetadata(index: index, sourceID: sourceID, sequence: counters.admit())
        switch result {
        case .success(let value): try await dispatcher.send(.value(value), for: metadata)
        case .failure(let failure): try await dispatcher.sendFailure(stage: name, message: failure.message, for: metadata)
        }
    }
}
