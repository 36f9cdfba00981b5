import CVulkan

/// The queue's timeline semaphore: each submission signals the next value, so "is the GPU done
/// with X" is one integer comparison, and buffers can be recycled by value.
final class Timeline: @unchecked Sendable {
    let semaphore: VkSemaphore
    private let counter = Locked<UInt64>(0)

    init(device: VkDevice) throws(GPUError) {
        var typeInfo = VkSemaphoreTypeCreateInfo()
        typeInfo.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO
        typeInfo.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE
        var handle: VkSemaphore?
        let result = withUnsafePointer(to: &typeInfo) { typePtr in
            var info = VkSemaphoreCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO
            info.pNext = UnsafeRawPointer(typePtr)
            return vkCreateSemaphore(device, &info, nil, &handle)
        }
        try vkCheck(result, "vkCreateSemaphore(timeline)")
        guard let handle else { throw .missingFeature("timeline semaphore") }
        semaphore = handle
    }

    func destroy(device: VkDevice) { vkDestroySemaphore(device, semaphore, nil) }

    /// Reserves the value the next submission signals. Call under the queue lock so values reach
    /// the queue in increasing order.
    func nextValue() -> UInt64 { counter.withLock { $0 += 1; return $0 } }

    var lastSubmitted: UInt64 { counter.current }

    func completedValue(device: VkDevice) -> UInt64 {
        var value: UInt64 = 0
        vkGetSemaphoreCounterValue(device, semaphore, &value)
        return value
    }

    func wait(device: VkDevice, value: UInt64, what: String, timeoutNanoseconds: UInt64 = 120_000_000_000) throws(GPUError) {
        guard value > 0 else { return }
        var sem: VkSemaphore? = semaphore
        var target = value
        let result = withUnsafePointer(to: &sem) { semPtr in
            withUnsafePointer(to: &target) { valuePtr in
                var info = VkSemaphoreWaitInfo()
                info.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO
                info.semaphoreCount = 1
                info.pSemaphores = semPtr
                info.pValues = valuePtr
                return vkWaitSemaphores(device, &info, timeoutNanoseconds)
            }
        }
        if result == VK_TIMEOUT { throw .timeout("\(what) (GPU work did not finish in \(timeoutNanoseconds / 1_000_000_000) s)") }
        try vkCheck(result, "vkWaitSemaphores(\(what))")
    }
}
