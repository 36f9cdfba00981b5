/// The end of the pipeline: turns each arriving item into a `Record`, restores input order
/// when asked, writes to the sink and reports to the caller. On cancellation it still writes
/// every completed record it holds before returning.
struct RecordCollector: Sendable {
    let finalStageName: String
    let inbox: BoundedChannel<Delivery>
    let ordered: Bool
    let onError: ErrorPolicy
    let sink: (any SinkStage)?
    let sinkName: String?
    let counters: RunCounters
    /// One token per item in flight; taking one back lets the source admit another item.
    let slots: BoundedChannel<Bool>
    let progress: ProgressReporter?
    let onRecord: @Sendable (Record) async throws -> Void

    func run() async throws {
        var reorder = ReorderBuffer<Record>()
        do {
            while let delivery = try await inbox.receive() {
                try await accept(record(for: delivery), reorder: &reorder)
            }
        } catch is CancellationError {
            // Cancelled (Ctrl-C or a failing sibling): write what is complete, then stop.
            while let delivery = inbox.tryReceive() {
                try await accept(record(for: delivery), reorder: &reorder)
            }
            for record in reorder.drainAll() { try await emit(record) }
            return
        }
        for record in reorder.drainAll() { try await emit(record) }
    }

    private func accept(_ record: Record, reorder: inout ReorderBuffer<Record>) async throws {
        guard ordered else { return try await emit(record) }
        for ready in reorder.insert(record, sequence: record.metadata.sequence) { try await emit(ready) }
    }

    private func emit(_ record: Record) async throws {
        if let sink {
            do {
                try sink.write(record)
            } catch {
                throw PipelineError.stageFailed(stage: sinkName ?? "sink", message: ErrorMessage.describe(error))
            }
        }
        counters.recorded(isError: record.isError)
        _ = slots.tryReceive()
        progress?.itemFinished(isError: record.isError)
        try await onRecord(record)
        if onError == .fail, case let .error(stage, message) = record.outcome {
            throw PipelineError.itemFailed(stage: stage, source: record.metadata.sourceID, index: record.metadata.index, message: message)
        }
    }

    private func record(for delivery: Delivery) -> Record {
        switch delivery.payload {
        case let .failed(stage, message):
            return Record(metadata: delivery.metadata, outcome: .error(stage: stage, message: message))
        case .value(let value):
            if let fields = Self.fields(for: value) {
                return Record(metadata: delivery.metadata, outcome: .result(fields))
            }
            return Record(metadata: delivery.metadata, outcome: .error(
                stage: finalStageName,
                message: "the final value (\(type(of: value))) cannot be written as a record; make its type RecordConvertible"))
        }
    }

    private static func fields(for value: any Sendable) -> JSONObject? {
        guard let ports = value as? PortValues else { return RecordBuilder.fields(for: value) }
        var merged = JSONObject()
        for (name, portValue) in ports.ports {
            guard let fields = RecordBuilder.fields(for: portValue) else { return nil }
            if fields.keys == ["value"], let single = fields["value"] {
                merged[name] = single
            } else {
                for (key, field) in fields.entries where merged[key] == nil { merged[key] = field }
            }
        }
        return merged
    }
}
