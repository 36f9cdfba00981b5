/// Runs one processing stage: joins its input ports by item, batches complete items (size or
/// timeout), and lets `workers` tasks process batches in parallel.
struct StageRunner: Sendable {
    let name: String
    let stage: any Stage
    let inputPorts: [String]
    let inbox: BoundedChannel<Delivery>
    let dispatcher: Dispatcher
    let batchSize: Int
    let batchTimeout: Duration
    let workers: Int

    func run() async throws {
        let batches = BoundedChannel<[StageInput]>(capacity: workers, producers: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, workers) {
                group.addTask {
                    while let batch = try await batches.receive() { try await process(batch) }
                }
            }
            try await joinAndBatch(into: batches)
            batches.finish()
            try await group.waitForAll()
        }
        dispatcher.finish()
    }

    /// A partly joined item: the ports that have arrived so far.
    private struct Partial {
        var values: [String: any Sendable] = [:]
        var arrived = 0
        var failure: (stage: String, message: String)?
    }

    private func joinAndBatch(into batches: BoundedChannel<[StageInput]>) async throws {
        var pending: [Int: Partial] = [:]
        var batch: [StageInput] = []
        var deadline = ContinuousClock.now
        receiving: while true {
            let received: BoundedChannel<Delivery>.Received
            if batch.isEmpty {
                received = try await inbox.receive().map { .element($0) } ?? .finished
            } else {
                received = try await inbox.receive(until: deadline)
            }
            switch received {
            case .finished:
                break receiving
            case .timedOut:
                try await batches.send(batch)
                batch.removeAll(keepingCapacity: true)
            case .element(let delivery):
                let sequence = delivery.metadata.sequence
                var partial = pending[sequence] ?? Partial()
                partial.arrived += 1
                switch delivery.payload {
                case .value(let value): partial.values[delivery.port] = value
                case let .failed(stage, message): partial.failure = partial.failure ?? (stage, message)
                }
                guard partial.arrived == inputPorts.count else {
                    pending[sequence] = partial
                    continue
                }
                pending[sequence] = nil
                if let failure = partial.failure {
                    try await dispatcher.sendFailure(stage: failure.stage, message: failure.message, for: delivery.metadata)
                    continue
                }
                if batch.isEmpty { deadline = .now + batchTimeout }
                batch.append(StageInput(metadata: delivery.metadata, values: partial.values))
                if batch.count >= batchSize {
                    try await batches.send(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        if !batch.isEmpty { try await batches.send(batch) }
        if !pending.isEmpty {
            throw PipelineError.contractViolation(stage: name, message: "\(pending.count) items arrived on some input ports but never on the others")
        }
    }

    private func process(_ batch: [StageInput]) async throws {
        let results: [StageResult]
        do {
            results = try await stage.process(batch)
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            results = Array(repeating: .failure(error), count: batch.count)
        }
        guard results.count == batch.count else {
            throw PipelineError.contractViolation(stage: name, message: "process returned \(results.count) results for a batch of \(batch.count)")
        }
        for (input, result) in zip(batch, results) {
            try await dispatcher.send(result, for: input.metadata)
        }
    }
}
