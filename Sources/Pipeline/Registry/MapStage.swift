/// The common case of a stage: one input port "in", one output port "out", one item at a time.
/// Conformers write `map`; batching, casting and per-item failures come from the extension.
public protocol MapStage: Stage {
    associatedtype Input: Sendable
    associatedtype Output: Sendable
    static var inputKind: PortKind { get }
    static var outputKind: PortKind { get }
    /// Transforms one item; a thrown error fails only this item.
    func map(_ input: Input, metadata: ItemMetadata) async throws -> Output
}

extension MapStage {
    public static var inputPorts: [PortSpec] { [PortSpec("in", kind: inputKind)] }
    public static var outputPorts: [PortSpec] { [PortSpec("out", kind: outputKind)] }

    public func process(_ batch: [StageInput]) async throws -> [StageResult] {
        var results: [StageResult] = []
        results.reserveCapacity(batch.count)
        for input in batch {
            do {
                let value = try input.value("in", as: Input.self)
                results.append(.value(try await map(value, metadata: input.metadata)))
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }
}

extension StageRegistry {
    /// The sinks every pipeline can use: `sink.jsonl` and `sink.csv`.
    public mutating func registerBuiltInSinks() {
        register(JSONLSink.self)
        register(CSVSink.self)
    }
}
