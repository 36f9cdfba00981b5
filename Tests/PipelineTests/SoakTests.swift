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
            if n % (items / 10) == 0 {
                samples.withLock { $0.append((Self.residentBytes(), context.stats.snapshot.liveBytes - context.bufferPool.freeBytes)) }
            }
        }
        #expect(summary.isConsistent && summary.results == items && summary.errors == 0)
        let measured = samples.current
        try #require(measured.count >= 8)
        // After warm-up (the first 30%), compare the rest with the level at 30%.
        print("soak samples (resident, GPU bytes):", measured.map { "(\($0.resident / 1_048_576) MiB, \($0.gpu))" }.joined(separator: " "))
        let warm = measured[2]
        for sample in measured.dropFirst(3) {
            #expect(Double(sample.gpu) <= Double(warm.gpu) * 1.05 + 1_048_576, "GPU bytes grew: \(warm.gpu) → \(sample.gpu)")
            #expect(Double(sample.resident) <= Double(warm.resident) * 1.05 + 8_388_608, "resident memory grew: \(warm.resident) → \(sample.resident)")
        }
        // The pool's free lists stay small (a few size classes of batch buffers).
        #expect(context.bufferPool.freeBytes < 16 << 20, "pooled free bytes: \(context.bufferPool.freeBytes)")
        // Nothing leaks: once the pool is drained, live GPU bytes are back at the baseline.
        context.bufferPool.drain()
        #expect(context.stats.snapshot.liveBytes == baselineGPU, "live GPU bytes after the run: \(context.stats.snapshot.liveBytes) vs \(baselineGPU)")
    }
}
