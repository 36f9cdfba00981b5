/// One item's value (or failure) arriving on one input port of a stage.
struct Delivery: Sendable {
    enum Payload: Sendable {
        case value(any Sendable)
        /// The item failed upstream; it passes through every later stage unprocessed.
        case failed(stage: String, message: String)
    }

    let port: String
    let metadata: ItemMetadata
    let payload: Payload
}

/// The values of all output ports of a final stage that has several; each becomes part of
/// the record.
struct PortValues: Sendable {
    let ports: [(name: String, value: any Sendable)]
}

/// An edge from one output port to one input port, with the channel that carries it.
struct Outlet: Sendable {
    /// The producing stage's output port, or `Outlet.allPorts` for a final stage whose
    /// outputs all go to the record.
    let fromPort: String
    let toPort: String
    let inbox: BoundedChannel<Delivery>

    static let allPorts = "*"
}

/// Sends a stage's per-item outcome to every outlet.
struct Dispatcher: Sendable {
    let stageName: String
    let outputPorts: [String]
    let outlets: [Outlet]

    /// Each distinct downstream channel, to finish once when the stage is done.
    var inboxes: [BoundedChannel<Delivery>] {
        var seen: [ObjectIdentifier] = []
        return outlets.compactMap { outlet in
            let id = ObjectIdentifier(outlet.inbox)
            if seen.contains(id) { return nil }
            seen.append(id)
            return outlet.inbox
        }
    }

    func finish() { for inbox in inboxes { inbox.finish() } }

    func send(_ result: StageResult, for metadata: ItemMetadata) async throws {
        switch result {
        case .failure(let message):
            try await sendFailure(stage: stageName, message: message, for: metadata)
        case .value(let value):
            guard outputPorts.count == 1 else {
                try await sendFailure(stage: stageName, message: "stage returned one value but has \(outputPorts.count) output ports (\(outputPorts.joined(separator: ", "))); return .ports", for: metadata)
                return
            }
            try await send(ports: [outputPorts[0]: value], for: metadata)
        case .ports(let values):
            try await send(ports: values, for: metadata)
        }
    }

    func sendFailure(stage: String, message: String, for metadata: ItemMetadata) async throws {
        for outlet in outlets {
            try await outlet.inbox.send(Delivery(port: outlet.toPort, metadata: metadata, payload: .failed(stage: stage, message: message)))
        }
    }

    private func send(ports values: [String: any Sendable], for metadata: ItemMetadata) async throws {
        for outlet in outlets {
            let payload: Delivery.Payload
            if outlet.fromPort == Outlet.allPorts {
                payload = outputPorts.count == 1 && values[outputPorts[0]] != nil
                    ? .value(values[outputPorts[0]] as any Sendable)
                    : .value(PortValues(ports: outputPorts.compactMap { name in values[name].map { (name, $0) } }))
            } else if let value = values[outlet.fromPort] {
                payload = .value(value)
            } else {
                payload = .failed(stage: stageName, message: "stage returned no value for output port \"\(outlet.fromPort)\"")
            }
            try await outlet.inbox.send(Delivery(port: outlet.toPort, metadata: metadata, payload: payload))
        }
    }
}
