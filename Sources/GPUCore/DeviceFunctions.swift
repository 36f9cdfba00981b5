import CVulkan

/// Extension entry points that the loader does not export and must be fetched per device.
struct DeviceFunctions: @unchecked Sendable {
    let cmdPushDescriptorSet: PFN_vkCmdPushDescriptorSetKHR

    init(device: VkDevice) throws(GPUError) {
        guard let push = vkGetDeviceProcAddr(device, "vkCmdPushDescriptorSetKHR") else {
            throw .missingFeature("vkCmdPushDescriptorSetKHR (VK_KHR_push_descriptor)")
        }
        cmdPushDescriptorSet = unsafeBitCast(push, to: PFN_vkCmdPushDescriptorSetKHR.self)
    }
}

/// The memory types buffers are allocated from, chosen once per device.
struct MemoryTypeChoice: Sendable {
    struct TypeInfo: Sendable { let index: UInt32; let heap: Int; let flags: UInt32 }
    let types: [TypeInfo]

    init(_ memory: VkPhysicalDeviceMemoryProperties) {
        types = withUnsafeBytes(of: memory.memoryTypes) { raw in
            raw.bindMemory(to: VkMemoryType.self).prefix(Int(memory.memoryTypeCount)).enumerated().map {
                TypeInfo(index: UInt32($0.offset), heap: Int($0.element.heapIndex), flags: $0.element.propertyFlags)
            }
        }
    }

    /// First allowed type having all `required` flags, preferring ones that also have `preferred`.
    func pick(allowed: UInt32, required: UInt32, preferred: UInt32 = 0) -> TypeInfo? {
        let ok = types.filter { allowed & (1 << $0.index) != 0 && $0.flags & required == required }
        return ok.first { $0.flags & preferred == preferred } ?? ok.first
    }
}
