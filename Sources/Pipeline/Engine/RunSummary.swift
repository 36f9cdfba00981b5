/// What a run did. The counts always reconcile:
/// `listed == skippedByShard + skippedByResume + admitted` and
/// `admitted == results + errors + unfinished` (`unfinished` is non-zero only when cancelled).
public struct RunSummary: Sendable, Equatable, CustomStringConvertible {
    public var listed = 0
    public var skippedByShard = 0
    public var skippedByResume = 0
    public var admitted = 0
    public var results = 0
    public var errors = 0
    public var unfinished = 0
    public var cancelled = false
    /// The most items that were admitted but not yet recorded at any moment.
    public var maxInFlight = 0
    public var elapsed: Duration = .zero
    /// When the first record (result or error) was written: with the process's launch time this
    /// gives the cold-start latency users feel (`sluice run` prints it).
    public var firstRecordAt: ContinuousClock.Instant?

    public init() {}

    public var isConsistent: Bool {
        listed == skippedByShard + skippedByResume + admitted && admitted == results + errors + unfinished
    }

    public var description: String {
        var parts = ["\(admitted) in", "\(results) ok", "\(errors) errors"]
        if unfinished > 0 { parts.append("\(unfinished) unfinished") }
        if skippedByResume > 0 { parts.append("\(skippedByResume) already done") }
        if skippedByShard > 0 { parts.append("\(skippedByShard) in other shards") }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return parts.joined(separator: ", ") + String(format: " in %.2fs", seconds) + (cancelled ? " (cancelled)" : "")
    }
}
