import CVulkan

/// Where a buffer's memory lives; decides whether the host can map it.
public enum MemoryPlacement: Sendable, Hashable {
    /// Device-local; also host-mapped where the device's memory is unified (lavapipe, integrated GPUs).
    case device
    /// Host-visible staging memory for uploads (write-combined is fine).
    case upload
    /// Host-visible, preferably cached memory for downloads (reading write-combined memory is slow).
    case download
}

/// A VkBuffer bound to its own VkDeviceMemory. A plain value: ownership is tracked by `GPUBuffer`
/// and `BufferPool`, which call `destroy` exactly once.
struct DeviceAllocation: @unchecked Sendable {
    let buffer: VkBuffer
    let memory: VkDeviceMemory
    let size: Int
    let placement: MemoryPlacement
    /// Host pointer when the memory is host-visible and mapped for the allocation's lifetime.
    let mapped: UnsafeMutableRawPointer?
    let hostCached: Bool
}

extension GPUContext {
    /// Allocates `size` bytes (at least 4, Vulkan forbids empty buffers) as a storage + transfer buffer.
    func allocate(size requested: Int, placement: MemoryPlacement) throws(GPUError) -> DeviceAllocation {
        let size = max(requested, 4)
        var info = VkBufferCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        info.size = VkDeviceSize(size)
        info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue
            | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try vkCheck(vkCreateBuffer(device, &info, nil, &buffer), "vkCreateBuffer(\(size) bytes)")
        guard let buffer else { throw .vulkan(call: "vkCreateBuffer", result: "no handle") }

        var requirements = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(device, buffer, &requirements)
        let hostVisible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        let deviceLocal = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue
        let cached = VK_MEMORY_PROPERTY_HOST_CACHED_BIT.rawValue
        let mapDeviceMemory = capabilities.unifiedMemory && capabilities.kind != .discrete
        let choice: MemoryTypeChoice.TypeInfo?
        switch placement {
        case .device:
            choice = mapDeviceMemory
                ? memoryTypes.pick(allowed: requirements.memoryTypeBits, required: deviceLocal | hostVisible, preferred: cached)
                    ?? memoryTypes.pick(allowed: requirements.memoryTypeBits, required: deviceLocal)
                : memoryTypes.pick(allowed: requirements.memoryTypeBits, required: deviceLocal)
                    ?? memoryTypes.pick(allowed: requirements.memoryTypeBits, required: 0)
        case .upload:
            choice = memoryTypes.pick(allowed: requirements.memoryTypeBits, required: hostVisible)
        case .download:
            choice = memoryTypes.pick(allowed: requirements.memoryTypeBits, required: hostVisible, preferred: cached)
        }
        guard let choice else {
            vkDestroyBuffer(device, buffer, nil)
            throw .missingFeature("a memory type for \(placement) buffers")
        }
        if faults.shouldFail(.allocation) {
            vkDestroyBuffer(device, buffer, nil)
            throw .outOfDeviceMemory(requested: Int(requirements.size), available: availableBytes(heap: choice.heap), heap: choice.heap)
        }
        var allocInfo = VkMemoryAllocateInfo()
        allocInfo.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        allocInfo.allocationSize = requirements.size
        allocInfo.memoryTypeIndex = choice.index
        var memory: VkDeviceMemory?
        let result = vkAllocateMemory(device, &allocInfo, nil, &memory)
        if result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY {
            vkDestroyBuffer(device, buffer, nil)
            throw .outOfDeviceMemory(requested: Int(requirements.size), available: availableBytes(heap: choice.heap), heap: choice.heap)
        }
        do {
            try vkCheck(result, "vkAllocateMemory(\(requirements.size) bytes)")
        } catch {
            vkDestroyBuffer(device, buffer, nil)
            throw error
        }
        guard let memory else { throw .vulkan(call: "vkAllocateMemory", result: "no handle") }
        vkBindBufferMemory(device, buffer, memory, 0)
        var mapped: UnsafeMutableRawPointer?
        if choice.flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue != 0 {
            try vkCheck(vkMapMemory(device, memory, 0, VkDeviceSize(VK_WHOLE_SIZE), 0, &mapped), "vkMapMemory")
        }
        stats.allocated(Int(requirements.size))
        return DeviceAllocation(buffer: buffer, memory: memory, size: size, placement: placement,
                                mapped: mapped, hostCached: choice.flags & cached != 0)
    }

    func destroy(_ allocation: DeviceAllocation) {
        var requirements = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(device, allocation.buffer, &requirements)
        vkDestroyBuffer(device, allocation.buffer, nil)
        vkFreeMemory(device, allocation.memory, nil)
        stats.freed(Int(requirements.size))
    }

    /// Bytes the driver says may still be allocated from `heap` (VK_EXT_memory_budget), if known.
    func availableBytes(heap: Int) -> Int? {
        guard capabilities.memoryBudget else { return nil }
        var budget = VkPhysicalDeviceMemoryBudgetPropertiesEXT()
        budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT
        var props = VkPhysicalDeviceMemoryProperties2()
        props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2
        withUnsafeMutablePointer(to: &budget) { ptr in
            props.pNext = UnsafeMutableRawPointer(ptr)
            vkGetPhysicalDeviceMemoryProperties2(physicalDevice, &props)
        }
        let budgets = withUnsafeBytes(of: budget.heapBudget) { Array($0.bindMemory(to: UInt64.self)) }
        let usage = withUnsafeBytes(of: budget.heapUsage) { Array($0.bindMemory(to: UInt64.self)) }
        guard heap < budgets.count else { return nil }
        return Int(budgets[heap] > usage[heap] ? budgets[heap] - usage[heap] : 0)
    }
}
