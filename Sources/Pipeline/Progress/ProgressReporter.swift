import Foundation

/// A moment of a run, as the progress display sees it.
public struct ProgressSnapshot: Sendable, Equatable {
    public var finished = 0
    public var errors = 0
    /// Items skipped by `--shard` or `--resume`: they count toward the total but not the rate.
    public var skipped = 0
    public var total: Int?
    public var elapsed: Duration = .zero

    public init(finished: Int = 0, errors: Int = 0, skipped: Int = 0, total: Int? = nil, elapsed: Duration = .zero) {
        self.finished = finished
        self.errors = errors
        self.skipped = skipped
        self.total = total
        self.elapsed = elapsed
    }

    var seconds: Double { Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18 }

    /// Processed items per second, nil before any time has passed.
    public var itemsPerSecond: Double? { seconds > 0 ? Double(finished) / seconds : nil }

    /// Seconds left at the current rate, when the total is known and the rate is positive.
    public var etaSeconds: Double? {
        guard let total, let rate = itemsPerSecond, rate > 0 else { return nil }
        return Double(max(0, total - finished - skipped)) / rate
    }
}

/// Pure formatting of progress, separate from any terminal so it can be tested as text.
public enum ProgressFormatter {
    /// `[#######.............]  35% 350/1000 items, 3 errors, 120.0 items/s, ETA 0:05`
    public static func bar(_ snapshot: ProgressSnapshot, width: Int = 24) -> String {
        var text = ""
        if let total = snapshot.total, total > 0 {
            let done = min(total, snapshot.finished + snapshot.skipped)
            let filled = width * done / total
            text = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            text += String(format: "%3d%% ", 100 * done / total)
            text += "\(done)/\(total) items"
        } else {
            text = "\(snapshot.finished + snapshot.skipped) items"
        }
        return text + details(snapshot)
    }

    /// `progress: 350/1000 items (35%), 3 errors, 120.0 items/s, ETA 0:05` for logs.
    public static func line(_ snapshot: ProgressSnapshot) -> String {
        let done = snapshot.finished + snapshot.skipped
        var text = "progress: "
        if let total = snapshot.total, total > 0 {
            text += "\(done)/\(total) items (\(100 * min(done, total) / total)%)"
        } else {
            text += "\(done) items"
        }
        return text + details(snapshot)
    }

    private static func details(_ snapshot: ProgressSnapshot) -> String {
        var parts: [String] = []
        if snapshot.errors > 0 { parts.append("\(snapshot.errors) error\(snapshot.errors == 1 ? "" : "s")") }
        if let rate = snapshot.itemsPerSecond { parts.append(String(format: "%.1f items/s", rate)) }
        if let eta = snapshot.etaSeconds { parts.append("ETA " + duration(eta)) }
        return parts.isEmpty ? "" : ", " + parts.joined(separator: ", ")
    }

    /// `m:ss`, or `h:mm:ss` from an hour up.
    public static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}

/// Shows progress: a bar redrawn in place on a terminal, a plain line every few seconds in
/// logs, or nothing when quiet. The engine calls it; output goes through `write`.
public final class ProgressReporter: @unchecked Sendable {
    public enum Style: Sendable, Equatable {
        case bar
        case lines
        case quiet
    }

    public let style: Style
    private let interval: Duration
    private let elapsed: @Sendable () -> Duration
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var snapshot = ProgressSnapshot()
    private var lastDraw: Duration?

    /// `elapsed` returns the time since the run began (injected so tests need no clock).
    public init(style: Style, interval: Duration? = nil, elapsed: @escaping @Sendable () -> Duration, write: @escaping @Sendable (String) -> Void) {
        self.style = style
        self.interval = interval ?? (style == .bar ? .milliseconds(100) : .seconds(10))
        self.elapsed = elapsed
        self.write = write
    }

    /// Progress on standard error: a bar when it is a terminal, lines otherwise.
    public static func standardError(quiet: Bool) -> ProgressReporter {
        let start = ContinuousClock.now
        let style: Style = quiet ? .quiet : (isatty(STDERR_FILENO) != 0 ? .bar : .lines)
        return ProgressReporter(style: style, elapsed: { ContinuousClock.now - start }) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    public var current: ProgressSnapshot { lock.withLock { snapshot } }

    public func setTotal(_ total: Int) { update { $0.total = total } }
    public func itemSkipped() { update { $0.skipped += 1 } }

    public func itemFinished(isError: Bool) {
        update {
            $0.finished += 1
            if isError { $0.errors += 1 }
        }
    }

    /// Draws the final state and ends the bar's line.
    public func finish() {
        let text: String? = lock.withLock {
            snapshot.elapsed = elapsed()
            return render(snapshot, final: true)
        }
        if let text { write(text) }
    }

    private func update(_ change: (inout ProgressSnapshot) -> Void) {
        let text: String? = lock.withLock {
            change(&snapshot)
            let now = elapsed()
            snapshot.elapsed = now
            if let lastDraw, now - lastDraw < interval { return nil }
            lastDraw = now
            return render(snapshot, final: false)
        }
        if let text { write(text) }
    }

    /// The text to emit for a snapshot in this style; nil when quiet.
    func render(_ snapshot: ProgressSnapshot, final: Bool) -> String? {
        switch style {
        case .quiet: return nil
        case .lines: return ProgressFormatter.line(snapshot) + "\n"
        // "\r" returns to the line start and ESC[K clears what a longer previous bar left.
        case .bar: return "\r" + ProgressFormatter.bar(snapshot) + "\u{1B}[K" + (final ? "\n" : "")
        }
    }
}
