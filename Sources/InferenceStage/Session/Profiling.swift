import Foundation
import GPUCore

/// One kernel's GPU time in a Chrome/Perfetto trace ("X" complete events, microseconds).
struct TraceEvent: Codable, Sendable {
    let name: String
    let cat: String
    let ph: String
    let ts: Double
    let dur: Double
    let pid: Int
    let tid: Int
}

extension InferenceSession {
    func recordProfile(_ times: [DispatchTiming]) {
        guard options.enableProfiling, !times.isEmpty else { return }
        trace.withLock { events in
            let base = (events.last.map { $0.ts + $0.dur } ?? 0) + 10
            events += times.map {
                TraceEvent(name: $0.label, cat: "gpu", ph: "X", ts: base + $0.startNanoseconds / 1000,
                           dur: $0.durationNanoseconds / 1000, pid: 0, tid: 0)
            }
        }
    }

    /// Per-node GPU time summed over the profiled runs so far, largest first.
    public func profileSummary() -> [(node: String, microseconds: Double, dispatches: Int)] {
        let events = trace.current
        var table: [String: (Double, Int)] = [:]
        for e in events { table[e.name, default: (0, 0)].0 += e.dur; table[e.name, default: (0, 0)].1 += 1 }
        return table.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.microseconds > $1.microseconds }
    }

    /// Writes the collected GPU times as a Chrome trace (open in chrome://tracing or Perfetto).
    @discardableResult
    public func endProfiling(path: String) throws -> Int {
        let events = trace.withLock { events -> [TraceEvent] in defer { events.removeAll() }; return events }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(["traceEvents": events])
        try data.write(to: URL(fileURLWithPath: path))
        return events.count
    }
}
