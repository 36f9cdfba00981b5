import CVulkan

/// A device buffer. Its memory goes back to the context's `BufferPool` (or is freed) when the
/// last reference goes, but never before the GPU has finished the last submission that used it.
public final class GPUBuffer: @unchecked Sendable, Hashable, CustomStringConvertible {
    public let context: GPUContext
    let allocation: DeviceAllocation
    /// Returned to the pool for reuse on release (session-owned transient buffers) or freed.
    let pooled: Bool
    /// Timeline value of the last submission that used this buffer.
    private let lastUseValue = Locked<UInt64>(0)
    public let label: String

    init(context: GPUContext, allocation: DeviceAllocation, pooled: Bool, label: String, size: Int? = nil) {
        self.context = context
        self.size = max(size ?? allocation.size, 0)
        self.allocation = allocation
        self.pooled = pooled
        self.label = label
    }

    deinit {
        if pooled {
            context.bufferPool.recycle(allocation, readyAt: lastUse)
        } else {
            // Freeing memory the GPU still reads is undefined behaviour: wait for its last use.
            try? context.timeline.wait(device: context.device, value: lastUse, what: "buffer release")
            context.destroy(allocation)
        }
    }

    /// Usable bytes (what was asked for; the allocation may be larger).
    public let size: Int
    public var placement: MemoryPlacement { allocation.placement }
    /// Whether the host can read and write this buffer's memory directly.
    public var isHostMapped: Bool { allocation.mapped != nil }
    var vkBuffer: VkBuffer { allocation.buffer }

    var lastUse: UInt64 { lastUseValue.current }
    func markUsed(by value: UInt64) { lastUseValue.withLock { $0 = max($0, value) } }

    public var description: String { "GPUBuffer(\(label), \(size) bytes)" }
    public static func == (a: GPUBuffer, b: GPUBuffer) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    /// Waits until the GPU has finished every submitted use of this buffer.
    public func waitUntilIdle() throws(GPUError) {
        try context.timeline.wait(device: context.device, value: lastUse, what: "\(label) idle")
    }
}

extension GPUContext {
    /// A new device buffer of `size` bytes that the caller owns (freed when released, after the GPU
    /// is done with it). Use `makePooledBuffer` for transient buffers recycled by size.
    public func makeBuffer(size: Int, placement: MemoryPlacement = .device, label: String = "buffer") throws(GPUError) -> GPUBuffer {
        GPUBuffer(context: self, allocation: try allocate(size: size, placement: placement), pooled: false, label: label, size: size)
    }

    /// A buffer from the size-bucketed pool; reused only after the GPU finished its last use.
    public func makePooledBuffer(size: Int, placement: MemoryPlacement = .device, label: String = "pooled") throws(GPUError) -> GPUBuffer {
        GPUBuffer(context: self, allocation: try bufferPool.acquire(size: size, placement: placement), pooled: true, label: label, size: size)
    }

    /// A device buffer holding `bytes` (uploaded now).
    public func makeBuffer(bytes: [UInt8], label: String = "buffer") throws(GPUError) -> GPUBuffer {
        let buffer = try makeBuffer(size: bytes.count, label: label)
        try upload(bytes, to: buffer)
        return buffer
    }
}
