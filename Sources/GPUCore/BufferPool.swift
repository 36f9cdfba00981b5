import CVulkan

/// Size-bucketed recycling of buffers. A released buffer becomes reusable only once the queue's
/// timeline has passed its last use, so reuse never races the GPU.
public final class BufferPool: @unchecked Sendable {
    private struct Key: Hashable { let bucket: Int; let placement: MemoryPlacement }
    private struct Entry { let allocation: DeviceAllocation; let readyAt: UInt64 }

    // unowned(unsafe): the context owns this object and calls into it from its own deinit, where
    // checked unowned references to it already trap.
    private unowned(unsafe) let context: GPUContext
    private let free = Locked<[Key: [Entry]]>([:])
    /// Bytes kept in free lists; beyond this, released buffers are freed instead of kept.
    public var retainLimitBytes = 4 << 30

    init(context: GPUContext) { self.context = context }

    /// Size classes: four per power of two (≤ 25 % waste), minimum 256 bytes.
    static func bucket(for size: Int) -> Int {
        let minimum = 256
        guard size > minimum else { return minimum }
        let high = Int.bitWidth - (size - 1).leadingZeroBitCount  // 2^high >= size
        let step = max(64, 1 << max(0, high - 3))
        return (size + step - 1) / step * step
    }

    func acquire(size: Int, placement: MemoryPlacement) throws(GPUError) -> DeviceAllocation {
        let key = Key(bucket: Self.bucket(for: size), placement: placement)
        let completed = context.timeline.completedValue(device: context.device)
        let reused: DeviceAllocation? = free.withLock { lists in
            guard var list = lists[key], let i = list.firstIndex(where: { $0.readyAt <= completed }) else { return nil }
            let entry = list.remove(at: i)
            lists[key] = list
            return entry.allocation
        }
        if let reused { return reused }
        return try context.allocate(size: key.bucket, placement: placement)
    }

    func recycle(_ allocation: DeviceAllocation, readyAt: UInt64) {
        let key = Key(bucket: allocation.size, placement: allocation.placement)
        let kept = free.withLock { lists -> Bool in
            let held = lists.values.joined().reduce(0) { $0 + $1.allocation.size }
            guard held + allocation.size <= retainLimitBytes else { return false }
            lists[key, default: []].append(Entry(allocation: allocation, readyAt: readyAt))
            return true
        }
        if !kept {
            try? context.timeline.wait(device: context.device, value: readyAt, what: "pool release")
            context.destroy(allocation)
        }
    }

    /// Bytes held in free lists (allocated, not in use).
    public var freeBytes: Int { free.withLock { $0.values.joined().reduce(0) { $0 + $1.allocation.size } } }

    /// Number of buffers waiting in free lists.
    public var freeCount: Int { free.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Frees every pooled buffer (after the GPU is done with them).
    public func drain() {
        let entries = free.withLock { lists -> [Entry] in defer { lists.removeAll() }; return Array(lists.values.joined()) }
        for entry in entries {
            try? context.timeline.wait(device: context.device, value: entry.readyAt, what: "pool drain")
            context.destroy(entry.allocation)
        }
    }
}
