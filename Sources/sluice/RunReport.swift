import Foundation
import GPUCore
import InferenceStage

/// What `run-model` prints (text or JSON).
struct RunReport: Codable {
    struct Comparison: Codable { let output: String; let passed: Bool; let maxAbsError: Double; let detail: String }
    struct ProfileRow: Codable { let node: String; let microseconds: Double; let dispatches: Int }

    var model: String
    var device: String
    var firstRunMilliseconds: Double
    var comparisons: [Comparison] = []
    var benchmark: Benchmark.Result?
    var profile: [ProfileRow]?
    var profileFile: String?

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func text(outputs: [String: Tensor]) -> String {
        var lines = ["\(model) on \(device): first run \(String(format: "%.1f", firstRunMilliseconds)) ms"]
        for (name, tensor) in outputs.sorted(by: { $0.key < $1.key }) {
            lines.append("  output \(name): \(tensor.dataType) \(tensor.dims) (\(tensor.location.rawValue))")
        }
        for c in comparisons { lines.append("  \(c.passed ? "PASS" : "FAIL") \(c.output): \(c.detail)") }
        if let b = benchmark {
            lines.append(String(format: "  benchmark: %d runs, mean %.3f ms, median %.3f ms, p90 %.3f ms, min %.3f ms", b.runs, b.meanMilliseconds, b.medianMilliseconds, b.p90Milliseconds, b.minMilliseconds))
            if let batch = b.batch { lines.append(String(format: "  throughput: %.1f items/s at batch %d", b.itemsPerSecond ?? 0, batch)) }
        }
        if let profile {
            lines.append("  GPU time by node (\(profileFile ?? "")):")
            for row in profile { lines.append(String(format: "    %9.1f µs  %4d  %@", row.microseconds, row.dispatches, row.node)) }
        }
        return lines.joined(separator: "\n")
    }
}

/// Element-wise comparison with numpy's allclose rule |a − e| ≤ atol + rtol·|e|.
struct TensorComparison {
    let passed: Bool
    let maxAbsError: Double
    let summary: String

    init(actual: TensorData, expected: TensorData, rtol: Double, atol: Double) {
        guard actual.dims == expected.dims, actual.dataType == expected.dataType else {
            passed = false
            maxAbsError = .infinity
            summary = "got \(actual.dataType) \(actual.dims), expected \(expected.dataType) \(expected.dims)"
            return
        }
        let a = actual.doubles(), e = expected.doubles()
        var worst = 0.0, failures = 0
        for i in a.indices {
            let diff = abs(a[i] - e[i])
            if a[i].isNaN != e[i].isNaN || diff > atol + rtol * abs(e[i]) { failures += 1 }
            if diff.isFinite { worst = max(worst, diff) }
        }
        passed = failures == 0
        maxAbsError = worst
        summary = "max |error| \(String(format: "%.3g", worst)), \(failures) of \(a.count) elements outside rtol \(rtol) atol \(atol)"
    }
}

/// Timed repeated runs.
enum Benchmark {
    struct Result: Codable {
        let runs: Int
        let meanMilliseconds: Double
        let medianMilliseconds: Double
        let p90Milliseconds: Double
        let minMilliseconds: Double
        let batch: Int?
        let itemsPerSecond: Double?
    }

    static func measure(session: InferenceSession, feeds: [String: Tensor], runs: Int, warmup: Int = 3) async throws -> Result {
        for _ in 0..<warmup { release(try await session.run(feeds: feeds)) }
        var times: [Double] = []
        for _ in 0..<max(runs, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            let outputs = try await session.run(feeds: feeds)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            release(outputs)
        }
        let sorted = times.sorted()
        let mean = times.reduce(0, +) / Double(times.count)
        let batch = feeds.values.first?.dims.first
        return Result(runs: times.count, meanMilliseconds: mean, medianMilliseconds: sorted[sorted.count / 2],
                      p90Milliseconds: sorted[min(sorted.count - 1, sorted.count * 9 / 10)], minMilliseconds: sorted[0],
                      batch: batch, itemsPerSecond: batch.map { Double($0) / (mean / 1000) })
    }

    private static func release(_ outputs: [String: Tensor]) {
        for tensor in outputs.values where tensor.ownsBuffer { tensor.dispose() }
    }
}
