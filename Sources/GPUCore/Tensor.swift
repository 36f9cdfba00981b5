/// A tensor in host memory or in a GPU buffer, with ONNX Runtime's GPU-tensor life cycle:
/// - `Tensor(data)` is a CPU tensor.
/// - `Tensor.fromGpuBuffer` wraps a buffer the caller owns: Sluice never frees it; `dispose()`
///   only calls the caller's `dispose` hook and makes the tensor unusable.
/// - Tensors a session creates as outputs own their buffer: `getData()` downloads, `dispose()`
///   returns the buffer to the pool.
/// - Zero-sized tensors (a 0 in `dims`) have no data and are always CPU tensors.
/// Using a disposed tensor throws `GPUError.tensorDisposed`, never crashes.
public final class Tensor: @unchecked Sendable, CustomStringConvertible {
    public enum Location: String, Sendable { case cpu, gpuBuffer = "gpu-buffer" }

    /// Caller hooks for a GPU tensor that wraps a caller-owned buffer.
    public typealias Downloader = @Sendable () async throws -> TensorData
    public typealias Disposer = @Sendable () -> Void

    private enum Storage {
        case cpu(TensorData)
        case gpu(GPUBuffer, ownedBySluice: Bool, download: Downloader?, dispose: Disposer?)
        case disposed
    }

    public let dataType: DataType
    public let dims: [Int]
    public let location: Location
    private let storage: Locked<Storage>

    /// A CPU tensor holding `data`.
    public init(_ data: TensorData) {
        dataType = data.dataType
        dims = data.dims
        location = .cpu
        storage = Locked(.cpu(data))
    }

    private init(buffer: GPUBuffer, dataType: DataType, dims: [Int], owned: Bool, download: Downloader?, dispose: Disposer?) {
        self.dataType = dataType
        self.dims = dims
        location = .gpuBuffer
        storage = Locked(.gpu(buffer, ownedBySluice: owned, download: download, dispose: dispose))
    }

    /// Wraps a caller-owned GPU buffer (ORT's `Tensor.fromGpuBuffer`). The buffer must hold at least
    /// the tensor's bytes. `download` replaces the default download in `getData()`; `dispose` is
    /// called by `dispose()`. A zero-sized shape gives a CPU tensor (the buffer is not referenced).
    public static func fromGpuBuffer(_ buffer: GPUBuffer, dataType: DataType, dims: [Int],
                                     download: Downloader? = nil, dispose: Disposer? = nil) throws(GPUError) -> Tensor {
        try wrapping(buffer, dataType: dataType, dims: dims, owned: false, download: download, dispose: dispose,
                     what: "fromGpuBuffer(\(dataType) \(dims))")
    }

    /// A tensor that owns `buffer` (session outputs). Zero-sized shapes give CPU tensors.
    public static func owning(_ buffer: GPUBuffer, dataType: DataType, dims: [Int]) throws(GPUError) -> Tensor {
        try wrapping(buffer, dataType: dataType, dims: dims, owned: true, download: nil, dispose: nil,
                     what: "tensor \(dataType) \(dims)")
    }

    /// Checks dims against the buffer; zero-sized shapes become CPU tensors without the buffer.
    private static func wrapping(_ buffer: GPUBuffer, dataType: DataType, dims: [Int], owned: Bool,
                                 download: Downloader?, dispose: Disposer?, what: String) throws(GPUError) -> Tensor {
        guard let bytes = ShapeMath.byteCount(dims, dataType) else {
            throw .tensorOwnership("\(what): invalid dims \(dims) (negative or overflowing)")
        }
        if bytes == 0 { return Tensor(emptyOf: dataType, dims: dims) }
        guard bytes <= buffer.size else { throw .bufferTooSmall(what: what, needed: bytes, size: buffer.size) }
        return Tensor(buffer: buffer, dataType: dataType, dims: dims, owned: owned, download: download, dispose: dispose)
    }

    public var elementCount: Int { ShapeMath.elementCount(dims) ?? 0 }
    public var byteCount: Int { elementCount * dataType.byteSize }
    public var isDisposed: Bool { if case .disposed = storage.current { return true } else { return false } }

    /// Whether Sluice owns the GPU buffer (session output) rather than the caller (fromGpuBuffer).
    public var ownsBuffer: Bool {
        if case .gpu(_, let owned, _, _) = storage.current { return owned }
        return false
    }

    /// The GPU buffer of a GPU tensor.
    public func gpuBuffer() throws(GPUError) -> GPUBuffer {
        switch storage.current {
        case .gpu(let buffer, _, _, _): return buffer
        case .cpu: throw .tensorOwnership("tensor \(dataType) \(dims) is a CPU tensor; it has no GPU buffer")
        case .disposed: throw .tensorDisposed("gpuBuffer() on \(dataType) \(dims)")
        }
    }

    /// The data of a CPU tensor, without downloading.
    public func cpuData() throws(GPUError) -> TensorData {
        switch storage.current {
        case .cpu(let data): return data
        case .gpu: throw .tensorOwnership("tensor \(dataType) \(dims) lives in a GPU buffer; use getData() to download it")
        case .disposed: throw .tensorDisposed("cpuData() on \(dataType) \(dims)")
        }
    }

    /// The tensor's data: CPU tensors return it; GPU tensors download it (through the caller's
    /// downloader when one was given). `release: true` disposes a Sluice-owned GPU buffer afterwards.
    public func getData(release: Bool = false) async throws -> TensorData {
        switch storage.current {
        case .cpu(let data):
            return data
        case .disposed:
            throw GPUError.tensorDisposed("getData() on \(dataType) \(dims)")
        case let .gpu(buffer, owned, download, _):
            let data: TensorData
            if let download {
                data = try await download()
            } else {
                let bytes = try buffer.context.download(buffer, count: byteCount)
                data = try TensorData(dataType: dataType, dims: dims, bytes: bytes)
            }
            if release && owned { dispose() }
            return data
        }
    }

    /// Releases the tensor. Sluice-owned GPU buffers return to the pool (after the GPU is done);
    /// caller-owned buffers are left alone and the caller's `dispose` hook runs. Idempotent.
    public func dispose() {
        let previous = storage.withLock { current -> Storage in defer { current = .disposed }; return current }
        if case .gpu(_, false, _, let hook) = previous { hook?() }
    }

    public var description: String { "Tensor(\(dataType) \(dims), \(location.rawValue)\(isDisposed ? ", disposed" : ""))" }
}

extension Tensor {
    /// A zero-sized CPU tensor (dims already validated by the caller).
    convenience init(emptyOf dataType: DataType, dims: [Int]) {
        // Zero elements: the byte count is 0 whatever dims say, so this cannot fail.
        self.init((try? TensorData(dataType: dataType, dims: dims, bytes: [])) ?? TensorData.empty(dataType))
    }
}

extension TensorData {
    static func empty(_ dataType: DataType) -> TensorData {
        // [0] with no bytes is always consistent.
        try! TensorData(dataType: dataType, dims: [0], bytes: [])
    }
}

extension Tensor {
    /// Convenience for tests and tools: a CPU tensor of `values`.
    public convenience init<Scalar: TensorScalar>(_ values: [Scalar], dims: [Int]) throws {
        self.init(try TensorData(values, dims: dims))
    }
}
