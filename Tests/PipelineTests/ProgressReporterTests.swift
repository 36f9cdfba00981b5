import Foundation
import Testing
@testable import Pipeline

struct ProgressReporterTests {
    @Test func barShowsRateAndETA() {
        let snapshot = ProgressSnapshot(finished: 250, errors: 3, skipped: 100, total: 1000, elapsed: .seconds(5))
        #expect(ProgressFormatter.bar(snapshot, width: 20) == "[#######.............]  35% 350/1000 items, 3 errors, 50.0 items/s, ETA 0:13")
        #expect(ProgressFormatter.line(snapshot) == "progress: 350/1000 items (35%), 3 errors, 50.0 items/s, ETA 0:13")
    }

    @Test func unknownTotalHasNoETA() {
        let snapshot = ProgressSnapshot(finished: 10, errors: 1, elapsed: .seconds(4))
        #expect(ProgressFormatter.bar(snapshot) == "10 items, 1 error, 2.5 items/s")
        #expect(ProgressFormatter.line(ProgressSnapshot()) == "progress: 0 items")
        #expect(ProgressFormatter.duration(3725) == "1:02:05")
        #expect(ProgressFormatter.duration(59.2) == "1:00")
    }

    @Test func reporterThrottlesAndFinishes() {
        let clock = FakeClock()
        let output = Lines()
        let reporter = ProgressReporter(style: .lines, interval: .seconds(10), elapsed: { clock.now }) { output.append($0) }
        reporter.setTotal(4)
        clock.now = .seconds(1)
        reporter.itemFinished(isError: false)  // throttled: 1 s after the first line
        clock.now = .seconds(12)
        reporter.itemFinished(isError: true)
        reporter.finish()
        #expect(output.all == [
            "progress: 0/4 items (0%)\n",
            "progress: 2/4 items (50%), 1 error, 0.2 items/s, ETA 0:12\n",
            "progress: 2/4 items (50%), 1 error, 0.2 items/s, ETA 0:12\n",
        ])
    }

    @Test func barRedrawsInPlaceAndQuietPrintsNothing() {
        let output = Lines()
        let bar = ProgressReporter(style: .bar, interval: .zero, elapsed: { .seconds(1) }) { output.append($0) }
        bar.setTotal(2)
        bar.finish()
        #expect(output.all == [
            "\r[........................]   0% 0/2 items, 0.0 items/s\u{1B}[K",
            "\r[........................]   0% 0/2 items, 0.0 items/s\u{1B}[K\n",
        ])
        let quietOutput = Lines()
        let quiet = ProgressReporter(style: .quiet, elapsed: { .seconds(1) }) { quietOutput.append($0) }
        quiet.itemFinished(isError: false)
        quiet.finish()
        #expect(quietOutput.all.isEmpty)
        #expect(quiet.current.finished == 1)
    }
}

final class FakeClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Duration = .zero
    var now: Duration {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
