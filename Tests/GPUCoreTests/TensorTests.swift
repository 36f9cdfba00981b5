import Testing
@testable import GPUCore

@Suite struct TensorTests {
    let context = TestGPU.context

    @Test func fromGpuBufferNeverFreesTheCallersBuffer() async throws {
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        let buffer = try context.makeBuffer(bytes: TestGPU.bytes(values))
        let disposed = Locked(false)
        let tensor = try Tensor.fromGpuBuffer(buffer, dataType: .float32, dims: [2, 3], dispose: { disposed.withLock { $0 = true } })
        #expect(tensor.location == .gpuBuffer)
        #expect(!tensor.ownsBuffer)
        #expect(try await tensor.getData().scalars(as: Float.self) == values)
        tensor.dispose()
        #expect(disposed.current)
        #expect(tensor.isDisposed)
        // The buffer is still the caller's and still holds the data.
        #expect(TestGPU.floats(try context.download(buffer)) == values)
        await #expect(throws: GPUError.self) { try await tensor.getData() }
        #expect(throws: GPUError.tensorDisposed("gpuBuffer() on float32 [2, 3]")) { try tensor.gpuBuffer() }
    }

    @Test func customDownloaderIsUsed() async throws {
        let buffer = try context.makeBuffer(size: 16)
        let tensor = try Tensor.fromGpuBuffer(buffer, dataType: .int32, dims: [4], download: {
            try TensorData([Int32(9), 9, 9, 9], dims: [4])
        })
        #expect(try await tensor.getData().scalars(as: Int32.self) == [9, 9, 9, 9])
    }

    @Test func ownedTensorReturnsItsBufferOnDispose() async throws {
        // Its own context: the shared one's counters move with tests running in parallel.
        let context = try GPUContext(selection: DeviceSelection(enableValidation: true))
        let before = context.stats.snapshot.liveBuffers
        let buffer = try context.makeBuffer(bytes: TestGPU.bytes([7, 8]))
        let tensor = try Tensor.owning(buffer, dataType: .float32, dims: [2])
        #expect(tensor.ownsBuffer)
        #expect(try await tensor.getData(release: true).scalars(as: Float.self) == [7, 8])
        #expect(tensor.isDisposed)
        tensor.dispose()  // idempotent
        _ = consume buffer
        #expect(context.stats.snapshot.liveBuffers == before)
    }

    @Test func zeroSizedTensorsAreAlwaysCPUTensors() throws {
        let buffer = try context.makeBuffer(size: 64)
        let tensor = try Tensor.fromGpuBuffer(buffer, dataType: .float32, dims: [3, 256, 0, 64])
        #expect(tensor.location == .cpu)
        #expect(tensor.elementCount == 0)
        #expect(try tensor.cpuData().dims == [3, 256, 0, 64])
    }

    @Test func bufferTooSmallAndBadDimsAreErrors() throws {
        let buffer = try context.makeBuffer(size: 8)
        #expect(throws: GPUError.bufferTooSmall(what: "fromGpuBuffer(float32 [3])", needed: 12, size: 8)) {
            try Tensor.fromGpuBuffer(buffer, dataType: .float32, dims: [3])
        }
        #expect(throws: GPUError.self) { try Tensor.fromGpuBuffer(buffer, dataType: .float32, dims: [-1]) }
        #expect(throws: GPUError.self) { try Tensor.fromGpuBuffer(buffer, dataType: .float32, dims: [Int.max, 4]) }
    }

    @Test func cpuTensorRefusesGpuAccess() throws {
        let tensor = try Tensor([Int64(1), 2], dims: [2])
        #expect(throws: GPUError.self) { try tensor.gpuBuffer() }
        #expect(try tensor.cpuData().scalars(as: Int64.self) == [1, 2])
    }

    @Test func tensorDataChecksBytesAgainstDims() {
        #expect(throws: TensorDataError.byteCountMismatch(dims: [2, 2], dataType: .float32, expected: 16, actual: 12)) {
            try TensorData(dataType: .float32, dims: [2, 2], bytes: [UInt8](repeating: 0, count: 12))
        }
        #expect(ShapeMath.elementCount([Int.max / 2, 3]) == nil)
        #expect(ShapeMath.byteCount([4, 5], .float16) == 40)
    }
}
