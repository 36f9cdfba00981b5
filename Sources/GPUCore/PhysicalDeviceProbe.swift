import CVulkan

/// Reads a physical device's properties, features and extensions into `DeviceCapabilities`.
struct PhysicalDeviceProbe {
    let instance: VkInstance
    let device: VkPhysicalDevice
    let index: Int

    func extensionNames() -> Set<String> {
        var count: UInt32 = 0
        vkEnumerateDeviceExtensionProperties(device, nil, &count, nil)
        var props = [VkExtensionProperties](repeating: VkExtensionProperties(), count: Int(count))
        vkEnumerateDeviceExtensionProperties(device, nil, &count, &props)
        return Set(props.prefix(Int(count)).map { cString($0.extensionName) })
    }

    func capabilities() -> DeviceCapabilities {
        let extensions = extensionNames()

        var driver = VkPhysicalDeviceDriverProperties()
        driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES
        var subgroup = VkPhysicalDeviceSubgroupProperties()
        subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES
        var props2 = VkPhysicalDeviceProperties2()
        props2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
        withUnsafeMutablePointer(to: &driver) { driverPtr in
            withUnsafeMutablePointer(to: &subgroup) { subgroupPtr in
                subgroupPtr.pointee.pNext = UnsafeMutableRawPointer(driverPtr)
                props2.pNext = UnsafeMutableRawPointer(subgroupPtr)
                vkGetPhysicalDeviceProperties2(device, &props2)
                subgroupPtr.pointee.pNext = nil
            }
        }
        let props = props2.properties
        let limits = props.limits

        let features = FeatureChain()
        defer { features.release() }
        vkGetPhysicalDeviceFeatures2(device, features.root)
        let f11 = features.vulkan11.pointee, f12 = features.vulkan12.pointee
        let f10 = features.root.pointee.features

        var memory = VkPhysicalDeviceMemoryProperties()
        var budget = VkPhysicalDeviceMemoryBudgetPropertiesEXT()
        budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT
        let hasBudget = extensions.contains("VK_EXT_memory_budget")
        if hasBudget {
            var memory2 = VkPhysicalDeviceMemoryProperties2()
            memory2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2
            withUnsafeMutablePointer(to: &budget) { budgetPtr in
                memory2.pNext = UnsafeMutableRawPointer(budgetPtr)
                vkGetPhysicalDeviceMemoryProperties2(device, &memory2)
            }
            memory = memory2.memoryProperties
        } else {
            vkGetPhysicalDeviceMemoryProperties(device, &memory)
        }
        let heaps = heapsOf(memory, budget: hasBudget ? budget : nil)
        let types = memoryTypes(memory)
        let unified = types.contains {
            $0.propertyFlags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue != 0
                && $0.propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue != 0
                && $0.propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue != 0
                && heaps[Int($0.heapIndex)].bytes >= 1 << 30
        }

        let wgSize = withUnsafeBytes(of: limits.maxComputeWorkGroupSize) { Array($0.bindMemory(to: UInt32.self)).map(Int.init) }
        let wgCount = withUnsafeBytes(of: limits.maxComputeWorkGroupCount) { Array($0.bindMemory(to: UInt32.self)).map(Int.init) }
        let uuid = withUnsafeBytes(of: props.pipelineCacheUUID) { $0.map { String(format2: $0) }.joined() }
        let computeQueue = computeQueueFamily()
        let arithmeticBit = VK_SUBGROUP_FEATURE_ARITHMETIC_BIT.rawValue

        return DeviceCapabilities(
            index: index,
            name: cString(props.deviceName),
            kind: DeviceKind(props.deviceType),
            vendorID: props.vendorID,
            deviceID: props.deviceID,
            apiVersion: versionString(props.apiVersion),
            driverName: cString(driver.driverName),
            driverInfo: cString(driver.driverInfo),
            driverVersion: props.driverVersion,
            pipelineCacheUUID: uuid,
            shaderFloat16: f12.shaderFloat16 != 0,
            shaderInt8: f12.shaderInt8 != 0,
            shaderInt64: f10.shaderInt64 != 0,
            storageBuffer16Bit: f11.storageBuffer16BitAccess != 0,
            storageBuffer8Bit: f12.storageBuffer8BitAccess != 0,
            subgroupSize: Int(subgroup.subgroupSize),
            subgroupArithmetic: subgroup.supportedOperations & arithmeticBit != 0,
            maxWorkgroupInvocations: Int(limits.maxComputeWorkGroupInvocations),
            maxWorkgroupSize: wgSize,
            maxWorkgroupCount: wgCount,
            maxSharedMemoryBytes: Int(limits.maxComputeSharedMemorySize),
            maxStorageBufferRange: UInt64(limits.maxStorageBufferRange),
            maxPushConstantsBytes: Int(limits.maxPushConstantsSize),
            timestampPeriodNanoseconds: Double(limits.timestampPeriod),
            timestampsSupported: limits.timestampComputeAndGraphics != 0 && (computeQueue?.timestampValidBits ?? 0) > 0,
            robustBufferAccess: f10.robustBufferAccess != 0,
            pushDescriptors: extensions.contains("VK_KHR_push_descriptor"),
            memoryBudget: hasBudget,
            cooperativeMatrixShapes: extensions.contains("VK_NV_cooperative_matrix") ? cooperativeMatrixShapes() : [],
            memoryHeaps: heaps,
            unifiedMemory: unified)
    }

    func computeQueueFamily() -> (index: UInt32, timestampValidBits: UInt32)? {
        var count: UInt32 = 0
        vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(count))
        vkGetPhysicalDeviceQueueFamilyProperties(device, &count, &families)
        let compute = VK_QUEUE_COMPUTE_BIT.rawValue
        // A queue family with compute; prefer one that also does graphics (the "universal" family),
        // whose timestamps every driver supports.
        let candidates = families.enumerated().filter { $0.element.queueFlags & compute != 0 }
        guard let best = candidates.first else { return nil }
        return (UInt32(best.offset), best.element.timestampValidBits)
    }

    func memoryTypes(_ memory: VkPhysicalDeviceMemoryProperties) -> [VkMemoryType] {
        withUnsafeBytes(of: memory.memoryTypes) { Array($0.bindMemory(to: VkMemoryType.self).prefix(Int(memory.memoryTypeCount))) }
    }

    func heapsOf(_ memory: VkPhysicalDeviceMemoryProperties, budget: VkPhysicalDeviceMemoryBudgetPropertiesEXT?) -> [DeviceCapabilities.MemoryHeap] {
        let heaps = withUnsafeBytes(of: memory.memoryHeaps) { Array($0.bindMemory(to: VkMemoryHeap.self).prefix(Int(memory.memoryHeapCount))) }
        let budgets = budget.map { b in withUnsafeBytes(of: b.heapBudget) { Array($0.bindMemory(to: UInt64.self)) } }
        let types = memoryTypes(memory)
        return heaps.enumerated().map { i, heap in
            let hostVisible = types.contains { Int($0.heapIndex) == i && $0.propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue != 0 }
            return .init(index: i, bytes: heap.size,
                         deviceLocal: heap.flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT.rawValue != 0,
                         hostVisible: hostVisible, budgetBytes: budgets?[i])
        }
    }

    func cooperativeMatrixShapes() -> [DeviceCapabilities.CooperativeMatrixShape] {
        guard let raw = vkGetInstanceProcAddr(instance, "vkGetPhysicalDeviceCooperativeMatrixPropertiesNV") else { return [] }
        let query = unsafeBitCast(raw, to: PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesNV.self)
        var count: UInt32 = 0
        guard query(device, &count, nil) == VK_SUCCESS, count > 0 else { return [] }
        var template = VkCooperativeMatrixPropertiesNV()
        template.sType = VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV
        var list = [VkCooperativeMatrixPropertiesNV](repeating: template, count: Int(count))
        guard query(device, &count, &list) == VK_SUCCESS else { return [] }
        return list.prefix(Int(count)).filter { $0.scope == VK_SCOPE_SUBGROUP_NV }.map {
            .init(m: Int($0.MSize), n: Int($0.NSize), k: Int($0.KSize),
                  aType: componentTypeName($0.AType), bType: componentTypeName($0.BType),
                  cType: componentTypeName($0.CType), resultType: componentTypeName($0.DType))
        }
    }
}

extension String {
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
    }
}

/// Heap-allocated chain of feature structs (stable addresses for pNext links), used both to query
/// what a device supports and to enable features at device creation.
final class FeatureChain {
    let root = UnsafeMutablePointer<VkPhysicalDeviceFeatures2>.allocate(capacity: 1)
    let vulkan11 = UnsafeMutablePointer<VkPhysicalDeviceVulkan11Features>.allocate(capacity: 1)
    let vulkan12 = UnsafeMutablePointer<VkPhysicalDeviceVulkan12Features>.allocate(capacity: 1)
    let cooperativeMatrix = UnsafeMutablePointer<VkPhysicalDeviceCooperativeMatrixFeaturesNV>.allocate(capacity: 1)

    init(includeCooperativeMatrix: Bool = false) {
        root.initialize(to: VkPhysicalDeviceFeatures2())
        root.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
        vulkan11.initialize(to: VkPhysicalDeviceVulkan11Features())
        vulkan11.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES
        vulkan12.initialize(to: VkPhysicalDeviceVulkan12Features())
        vulkan12.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES
        cooperativeMatrix.initialize(to: VkPhysicalDeviceCooperativeMatrixFeaturesNV())
        cooperativeMatrix.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV
        root.pointee.pNext = UnsafeMutableRawPointer(vulkan11)
        vulkan11.pointee.pNext = UnsafeMutableRawPointer(vulkan12)
        vulkan12.pointee.pNext = includeCooperativeMatrix ? UnsafeMutableRawPointer(cooperativeMatrix) : nil
    }

    func release() {
        root.deallocate(); vulkan11.deallocate(); vulkan12.deallocate(); cooperativeMatrix.deallocate()
    }
}
