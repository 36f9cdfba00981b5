import Foundation
import GPUCore
import Testing
@testable import Pipeline

/// Long runs keep memory flat: after warm-up, resident memory and live GPU bytes stay within a few
/// percent, every item is accounted for, and GPU memory returns to its baseline afterwards.
/// CI runs 3,000 items; SLUICE_SOAK_ITEMS=20000 runs the full soak.
@Suite struct SoakTests {
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = Int(text.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test func memoryStaysFlatOverALongRun() async throws {
        let items = Int(ProcessInfo.processInfo.environment["SLUICE_SOAK_ITEMS"] ?? "") ?? 3000
        let fixtures = ClassificationPipelineTests.fixtures
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-soak-\(UUID().uuidString)")
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let png = try Data(contentsOf: fixtures.appendingPathComponent("images/c_blue.png"))
        for i in 0..<items { try png.write(to: images.appendingPathComponent(String(format: "img%06d.png", i))) }
        let json = ClassificationPipelineTests.pipelineJSON(output: folder.appendingPathComponent("out.jsonl").path, batchSize: 16)
            .replacingOccurrences(of: "\(fixtures.path)/images", with: images.path)
        let file = folder.appendingPathComponent("p.json")
        try json.write(to: file, atomically: true, encoding: .utf8)

        let context = try GPUContext(selection: DeviceSelection(enableValidation: false))
        let baselineGPU = context.stats.snapshot.liveBytes
        let samples = Locked<[(resident: Int, gpu: Int)]>([])
        let done = Locked(0)
        let summary = try await PipelineEngine(pipeline: try StageRegistry.standard().loadPipeline(at: file),
                                               options: RunOptions(gpu: GPUProvider(context: context))).run { _ in
            let n = done.withLock { $0 += 1; return $0 }
            // GPU bytes in use: allocated minus what waits in the pool's free lists for reuse.
            if n % max(items / 100, 1) == 0 {
                samples.withLock { $0.append((Self.residentBytes(), context.stats.snapshot.liveBytes - context.bufferPool.freeBytes)) }
            }
        }
        #expect(summary.isConsistent && summary.results == items && summary.errors == 0)
        let measured = samples.current
        try #require(measured.count >= 80)
        print("soak samples (resident, GPU bytes):", measured.map { "(\($0.resident / 1_048_576) MiB, \($0.gpu))" }.joined(separator: " "))
        // One sample of in-use GPU bytes swings with the batches in flight at that instant, so
        // compare window means (≈ 30 samples each): after warm-up (30–60 % of the run) against the
        // last 40 %. A leak grows with items and moves both means.
        let middle = measured[measured.count * 3 / 10..<measured.count * 6 / 10]
        let end = measured[(measured.count * 6 / 10)...]
        func mean(_ values: [Int]) -> Double { values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count) }
        let (warmGPU, endGPU) = (mean(middle.map { $0.gpu }), mean(end.map { $0.gpu }))
        let (warmResident, endResident) = (mean(middle.map { $0.resident }), mean(end.map { $0.resident }))
        #expect(endGPU <= warmGPU * 1.05 + 1_048_576, "GPU bytes grew: mean \(warmGPU) → \(endGPU)")
        #expect(endResident <= warmResident * 1.05 + 8_388_608, "resident memory grew: mean \(warmResident) → \(endResident)")
        // The pool's free lists stay small (a few size classes of batch buffers).
        #expect(context.bufferPool.freeBytes < 16 << 20, "pooled free bytes: \(context.bufferPool.freeBytes)")
        // Nothing leaks: once the pool is drained, live GPU bytes are back at the baseline.
        context.bufferPool.drain()
        #expect(context.stats.snapshot.liveBytes == baselineGPU, "live GPU bytes after the run: \(context.stats.snapshot.liveBytes) vs \(baselineGPU)")
    }
}
