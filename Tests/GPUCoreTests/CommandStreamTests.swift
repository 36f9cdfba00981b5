import Testing
@testable import GPUCore

@Suite struct CommandStreamTests {
    let context = TestGPU.context

    func axpyKernel() throws -> ComputeKernel {
        try context.shaders.kernel(BuiltinShaders.axpy, bindings: 2, pushConstantBytes: 8)
    }

    func push(count: Int, a: Float) -> PushConstants {
        var push = PushConstants(); push.append(count); push.append(a); return push
    }

    @Test func barriersOnlyWhereADependencyExists() throws {
        let x = try context.makeBuffer(bytes: TestGPU.bytes([Float](repeating: 1, count: 256)))
        let y1 = try context.makeBuffer(bytes: TestGPU.bytes([Float](repeating: 0, count: 256)))
        let y2 = try context.makeBuffer(bytes: TestGPU.bytes([Float](repeating: 0, count: 256)))
        let kernel = try axpyKernel()
        let stream = try CommandStream(context: context)
        // Two independent writes reading the same input: no barrier.
        try stream.dispatch(kernel, [.read(x), .readWrite(y1)], push: push(count: 256, a: 2), groups: (1, 1, 1))
        try stream.dispatch(kernel, [.read(x), .readWrite(y2)], push: push(count: 256, a: 3), groups: (1, 1, 1))
        #expect(stream.barrierCount == 0)
        // Reading y1 after it was written: one barrier.
        try stream.dispatch(kernel, [.read(y1), .readWrite(y2)], push: push(count: 256, a: 1), groups: (1, 1, 1))
        #expect(stream.barrierCount == 1)
        try stream.run()
        #expect(TestGPU.floats(try context.download(y2)).allSatisfy { $0 == 5 })
        TestGPU.expectNoValidationMessages()
    }

    @Test func replaySubmitsTheSameWorkAgain() throws {
        let x = try context.makeBuffer(bytes: TestGPU.bytes([Float](repeating: 1, count: 300)))
        let y = try context.makeBuffer(bytes: TestGPU.bytes([Float](repeating: 0, count: 300)))
        let stream = try CommandStream(context: context, label: "replayed")
        try stream.dispatch(try axpyKernel(), [.read(x), .readWrite(y)], push: push(count: 300, a: 1), groups: (2, 1, 1))
        try stream.run()
        try stream.run()
        try stream.submit().wait()
        #expect(stream.submitCount == 3)
        #expect(TestGPU.floats(try context.download(y)).allSatisfy { $0 == 3 })
        // New data in a bound buffer is read by the replay.
        try context.upload(TestGPU.bytes([Float](repeating: 10, count: 300)), to: x)
        try stream.run()
        #expect(TestGPU.floats(try context.download(y)).allSatisfy { $0 == 13 })
        // Recording after submission is refused.
        #expect(throws: GPUError.self) { try stream.zero(y) }
        TestGPU.expectNoValidationMessages()
    }

    @Test func timestampsGiveOneTimePerDispatch() throws {
        try #require(context.capabilities.timestampsSupported)
        let y = try context.makeBuffer(size: 4096)
        let x = try context.makeBuffer(size: 4096)
        let stream = try CommandStream(context: context, label: "profiled", profile: true)
        for i in 0..<5 {
            try stream.dispatch(try axpyKernel(), [.read(x), .readWrite(y)], push: push(count: 1024, a: 1),
                                groups: (4, 1, 1), label: "step \(i)")
        }
        try stream.run()
        let times = try stream.dispatchTimes()
        #expect(times.map(\.label) == (0..<5).map { "step \($0)" })
        #expect(times.allSatisfy { $0.durationNanoseconds >= 0 })
        #expect(zip(times, times.dropFirst()).allSatisfy { $0.startNanoseconds <= $1.startNanoseconds })
        TestGPU.expectNoValidationMessages()
    }

    @Test func wrongBindingCountIsAnError() throws {
        let stream = try CommandStream(context: context)
        let x = try context.makeBuffer(size: 64)
        #expect(throws: GPUError.bindingMismatch(kernel: "axpy.comp", expected: 2, given: 1)) {
            try stream.dispatch(try axpyKernel(), [.read(x)], groups: (1, 1, 1))
        }
    }

    @Test func asyncCompletionAndConcurrentSubmissions() async throws {
        let kernel = try axpyKernel()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let n = 1000 + task
                    let x = try context.makeBuffer(bytes: TestGPU.bytes([Float](repeating: Float(task), count: n)))
                    let y = try context.makeBuffer(bytes: TestGPU.bytes([Float](repeating: 1, count: n)))
                    let stream = try CommandStream(context: context, label: "task \(task)")
                    try stream.dispatch(kernel, [.read(x), .readWrite(y)], push: push(count: n, a: 2), groups: ((n + 255) / 256, 1, 1))
                    try await stream.submit().completion()
                    return TestGPU.floats(try context.download(y)).allSatisfy { $0 == Float(2 * task + 1) }
                }
            }
            for try await ok in group { #expect(ok) }
        }
        TestGPU.expectNoValidationMessages()
    }

    @Test func injectedSubmitFailureIsDeviceLost() throws {
        let stream = try CommandStream(context: context, label: "doomed")
        try stream.zero(try context.makeBuffer(size: 64))
        context.faults.arm(.submission, after: 1)
        #expect(throws: GPUError.deviceLost(during: "submission of doomed (injected fault)")) { try stream.submit() }
        let healthy = try CommandStream(context: context)
        try healthy.zero(try context.makeBuffer(size: 64))
        try healthy.run()
    }
}
