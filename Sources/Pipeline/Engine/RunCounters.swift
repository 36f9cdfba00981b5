import Foundation

/// The shared, lock-protected tallies of a run; stage tasks and the collector update them.
final class RunCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var summary = RunSummary()
    private var nextIndex = 0

    /// The next index in the source's listing. The item is counted as listed only once it is
    /// skipped or admitted, so an item abandoned by cancellation while it waited for room
    /// does not unbalance the summary.
    func nextListingIndex() -> Int {
        lock.withLock {
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    func skipByShard() { lock.withLock { summary.listed += 1; summary.skippedByShard += 1 } }
    func skipByResume() { lock.withLock { summary.listed += 1; summary.skippedByResume += 1 } }

    /// Admits an item and returns its sequence number.
    func admit() -> Int {
        lock.withLock {
            summary.listed += 1
            defer { summary.admitted += 1 }
            summary.maxInFlight = max(summary.maxInFlight, summary.admitted + 1 - summary.results - summary.errors)
            return summary.admitted
        }
    }

    func recorded(isError: Bool) {
        let now = ContinuousClock.now
        lock.withLock {
            if summary.firstRecordAt == nil { summary.firstRecordAt = now }
            if isError { summary.errors += 1 } else { summary.results += 1 }
        }
    }

    func snapshot() -> RunSummary {
        lock.withLock {
            var copy = summary
            copy.unfinished = copy.admitted - copy.results - copy.errors
            return copy
        }
    }
}
