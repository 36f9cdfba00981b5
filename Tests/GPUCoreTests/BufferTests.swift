import Testing
@testable import GPUCore

@Suite struct BufferTests {
    let context = TestGPU.context

    @Test(arguments: DataType.allCases, [0, 1, 3, 4097, 1_000_003])
    func roundTripEveryTypeAndOddSizes(dataType: DataType, count: Int) throws {
        let byteCount = count * dataType.byteSize
        let pattern = (0..<byteCount).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let buffer = try context.makeBuffer(size: byteCount, label: "round trip")
        try context.upload(pattern, to: buffer)
        #expect(try context.download(buffer, count: byteCount) == pattern)
        // Through a recorded stream as well (staging copies), at an offset.
        if byteCount > 8 {
            let stream = try CommandStream(context: context, label: "recorded round trip")
            try stream.upload(Array(pattern.reversed()), to: buffer)
            let pending = try stream.download(buffer, offset: 4, bytes: byteCount - 4)
            try stream.run()
            #expect(try pending.bytes() == Array(pattern.reversed().dropFirst(4)))
        }
        TestGPU.expectNoValidationMessages()
    }

    static var deviceHasRoomForOneGiB: Bool {
        (TestGPU.context.capabilities.memoryHeaps.filter(\.deviceLocal).map(\.bytes).max() ?? 0) >= 8 << 30
    }

    @Test(.enabled(if: deviceHasRoomForOneGiB, "needs a device heap of at least 8 GiB"))
    func oneGibRoundTripWhenTheDeviceHasRoom() throws {
        let size = 1 << 30
        let buffer = try context.makeBuffer(size: size)
        var bytes = [UInt8](repeating: 0, count: size)
        for i in stride(from: 0, to: size, by: 4096) { bytes[i] = UInt8(truncatingIfNeeded: i >> 12) }
        try context.upload(bytes, to: buffer)
        #expect(try context.download(buffer) == bytes)
    }

    @Test func outOfRangeTransfersAreErrors() throws {
        let buffer = try context.makeBuffer(size: 16)
        #expect(throws: GPUError.bufferTooSmall(what: "upload to buffer", needed: 20, size: 16)) {
            try context.upload([UInt8](repeating: 1, count: 8), to: buffer, offset: 12)
        }
        #expect(throws: GPUError.self) { try context.download(buffer, offset: 8, count: 16) }
    }

    @Test func stressAllocationsLeaveNoLiveBytes() throws {
        // Its own context: the shared one's counters move with tests running in parallel.
        let context = try GPUContext(selection: DeviceSelection(enableValidation: true))
        let before = context.stats.snapshot
        for i in 0..<10_000 {
            let buffer = try context.makeBuffer(size: 64 + (i % 17) * 256, label: "stress")
            #expect(buffer.size == 64 + (i % 17) * 256)
        }
        let after = context.stats.snapshot
        #expect(after.totalAllocations - before.totalAllocations == 10_000)
        #expect(after.liveBytes == before.liveBytes)
        #expect(after.liveBuffers == before.liveBuffers)
        #expect(context.validation?.drain() ?? [] == [])
    }

    @Test func poolReusesOnlyAfterTheGPUIsDone() throws {
        let size = 3 * 1024 * 1024 + 5
        var first: GPUBuffer? = try context.makePooledBuffer(size: size)
        let firstHandle = first!.vkBuffer
        // Pretend a submission far in the future still uses it: it must not be handed out again.
        first!.markUsed(by: context.timeline.lastSubmitted + 1_000_000)
        first = nil
        let blocked = try context.makePooledBuffer(size: size)
        #expect(blocked.vkBuffer != firstHandle)
        #expect(blocked.size == size)

        // A buffer whose last use has completed is reused.
        let secondHandle = try {
            let second = try context.makePooledBuffer(size: size)
            let stream = try CommandStream(context: context, label: "pool use")
            try stream.zero(second)
            try stream.run()
            return second.vkBuffer
        }()
        let third = try context.makePooledBuffer(size: size - 1)  // same size class
        #expect(third.vkBuffer == secondHandle)
        TestGPU.expectNoValidationMessages()
    }

    @Test func bucketsWasteAtMostAQuarter() {
        for size in [1, 255, 256, 257, 1000, 4096, 4097, 65_537, 10_000_000] {
            let bucket = BufferPool.bucket(for: size)
            #expect(bucket >= size)
            #expect(size <= 256 || Double(bucket) <= Double(size) * 1.25 + 1)
        }
    }

    @Test func injectedAllocationFailureNamesTheBytes() throws {
        context.faults.arm(.allocation, after: 1)
        let result = Result { () throws(GPUError) in try context.makeBuffer(size: 123_456) }
        guard case .failure(let error) = result, case .outOfDeviceMemory(let requested, _, _) = error else {
            Issue.record("expected outOfDeviceMemory, got \(result)")
            return
        }
        #expect(requested >= 123_456)
        #expect(error.localizedDescription.contains("out of device memory: requested"))
        // The context keeps working afterwards.
        _ = try context.makeBuffer(size: 16)
    }
}
