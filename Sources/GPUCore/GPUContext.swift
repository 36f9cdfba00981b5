import CVulkan
import Foundation
import Logging

/// One Vulkan device with its compute queue, memory types, shader compiler and buffer pool.
/// Thread-safe: queue submission and pools are guarded; command streams record independently.
public final class GPUContext: @unchecked Sendable {
    public let capabilities: DeviceCapabilities
    public let stats = MemoryStats()
    public let validation: ValidationMessenger?
    public let faults: FaultInjector
    let logger = Logger(label: "sluice.gpu")

    let instance: VkInstance
    let physicalDevice: VkPhysicalDevice
    let device: VkDevice
    let queue: VkQueue
    let queueFamily: UInt32
    let memoryTypes: MemoryTypeChoice
    let timeline: Timeline
    let functions: DeviceFunctions
    private let messenger: VkDebugUtilsMessengerEXT?
    private let queueLock = NSLock()

    public private(set) lazy var bufferPool = BufferPool(context: self)
    public private(set) lazy var shaders = ShaderLibrary(context: self)

    /// Opens the device `selection` picks. Throws `GPUError.noDevice`/`.deviceNotFound` with the
    /// list of devices when nothing matches.
    public init(selection: DeviceSelection = .fromEnvironment(), faults: FaultInjector = .fromEnvironment()) throws(GPUError) {
        self.faults = faults
        let validationOn = selection.validationRequested
        let messengerObject = validationOn ? ValidationMessenger() : nil
        let instance = try Self.createInstance(validation: messengerObject)
        var messengerHandle: VkDebugUtilsMessengerEXT?
        do {
            if let messengerObject {
                messengerHandle = try Self.createMessenger(instance: instance, messenger: messengerObject)
            }
            let candidates = try Self.enumerate(instance: instance)
            let chosen = try Self.choose(from: candidates, selection: selection)
            let probe = PhysicalDeviceProbe(instance: instance, device: chosen.device, index: chosen.index)
            let caps = chosen.capabilities
            guard let family = probe.computeQueueFamily() else {
                throw GPUError.noDevice("\(caps.name) has no compute queue")
            }
            guard caps.pushDescriptors else {
                throw GPUError.missingFeature("VK_KHR_push_descriptor on \(caps.name)")
            }
            let device = try Self.createDevice(chosen.device, family: family.index, capabilities: caps,
                                               robust: selection.robustBufferAccess && caps.robustBufferAccess)
            var queue: VkQueue?
            vkGetDeviceQueue(device, family.index, 0, &queue)
            guard let queue else { throw GPUError.noDevice("vkGetDeviceQueue returned no queue") }
            var memory = VkPhysicalDeviceMemoryProperties()
            vkGetPhysicalDeviceMemoryProperties(chosen.device, &memory)

            self.capabilities = caps
            self.instance = instance
            self.physicalDevice = chosen.device
            self.device = device
            self.queue = queue
            self.queueFamily = family.index
            self.memoryTypes = MemoryTypeChoice(memory)
            self.functions = try DeviceFunctions(device: device)
            self.timeline = try Timeline(device: device)
            self.validation = messengerObject
            self.messenger = messengerHandle
        } catch let error as GPUError {
            if let messengerHandle { Self.destroyMessenger(instance: instance, messengerHandle) }
            vkDestroyInstance(instance, nil)
            throw error
        } catch {
            vkDestroyInstance(instance, nil)
            throw .noDevice("\(error)")
        }
        logger.info("opened \(capabilities.name) (\(capabilities.driverName) \(capabilities.driverInfo))")
    }

    deinit {
        vkDeviceWaitIdle(device)
        shaders.destroyAll()
        bufferPool.drain()
        timeline.destroy(device: device)
        vkDestroyDevice(device, nil)
        if let messenger { Self.destroyMessenger(instance: instance, messenger) }
        vkDestroyInstance(instance, nil)
    }

    /// Every device Vulkan reports, in index order (what `sluice devices` prints).
    public static func availableDevices(validation: Bool = false) throws(GPUError) -> [DeviceCapabilities] {
        let instance = try createInstance(validation: nil)
        defer { vkDestroyInstance(instance, nil) }
        return try enumerate(instance: instance).map(\.capabilities)
    }

    /// Serialises access to the queue (vkQueueSubmit is externally synchronised).
    func withQueue<T, E: Error>(_ body: (VkQueue) throws(E) -> T) throws(E) -> T {
        queueLock.lock()
        defer { queueLock.unlock() }
        return try body(queue)
    }

    /// Blocks until all submitted work is done.
    public func waitIdle() throws(GPUError) {
        try timeline.wait(device: device, value: timeline.lastSubmitted, what: "device idle")
    }
}

// MARK: - Instance and device creation

extension GPUContext {
    static func createInstance(validation: ValidationMessenger?) throws(GPUError) -> VkInstance {
        var layers: [String] = []
        var extensions: [String] = []
        if validation != nil {
            layers.append("VK_LAYER_KHRONOS_validation")
            extensions.append("VK_EXT_debug_utils")
        }
        var debugInfo = validation?.createInfo() ?? VkDebugUtilsMessengerCreateInfoEXT()
        var instance: VkInstance?
        let result: VkResult = "sluice".withCString { appName in
            withCStringArray(layers) { layerPtrs in
                withCStringArray(extensions) { extPtrs in
                    var app = VkApplicationInfo()
                    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
                    app.pApplicationName = appName
                    app.apiVersion = (1 << 22) | (3 << 12)
                    return withUnsafePointer(to: &app) { appPtr in
                        withUnsafeMutablePointer(to: &debugInfo) { debugPtr in
                            var info = VkInstanceCreateInfo()
                            info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
                            info.pApplicationInfo = appPtr
                            info.enabledLayerCount = UInt32(layers.count)
                            info.ppEnabledLayerNames = layerPtrs
                            info.enabledExtensionCount = UInt32(extensions.count)
                            info.ppEnabledExtensionNames = extPtrs
                            if validation != nil { info.pNext = UnsafeRawPointer(debugPtr) }
                            return vkCreateInstance(&info, nil, &instance)
                        }
                    }
                }
            }
        }
        if result == VK_ERROR_LAYER_NOT_PRESENT {
            throw .vulkan(call: "vkCreateInstance with the validation layer", result: result.words)
        }
        if result == VK_ERROR_INCOMPATIBLE_DRIVER {
            throw .noDevice("no Vulkan 1.2+ driver is installed (vkCreateInstance: \(result.words))")
        }
        try vkCheck(result, "vkCreateInstance")
        guard let instance else { throw .noDevice("vkCreateInstance returned no instance") }
        return instance
    }

    static func createMessenger(instance: VkInstance, messenger: ValidationMessenger) throws(GPUError) -> VkDebugUtilsMessengerEXT {
        guard let raw = vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT") else {
            throw .missingFeature("VK_EXT_debug_utils (needed for validation messages)")
        }
        let create = unsafeBitCast(raw, to: PFN_vkCreateDebugUtilsMessengerEXT.self)
        var info = messenger.createInfo()
        var handle: VkDebugUtilsMessengerEXT?
        try vkCheck(create(instance, &info, nil, &handle), "vkCreateDebugUtilsMessengerEXT")
        guard let handle else { throw .missingFeature("debug messenger") }
        return handle
    }

    static func destroyMessenger(instance: VkInstance, _ handle: VkDebugUtilsMessengerEXT) {
        guard let raw = vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT") else { return }
        unsafeBitCast(raw, to: PFN_vkDestroyDebugUtilsMessengerEXT.self)(instance, handle, nil)
    }

    struct Candidate { let index: Int; let device: VkPhysicalDevice; let capabilities: DeviceCapabilities }

    static func enumerate(instance: VkInstance) throws(GPUError) -> [Candidate] {
        var count: UInt32 = 0
        try vkCheck(vkEnumeratePhysicalDevices(instance, &count, nil), "vkEnumeratePhysicalDevices")
        var devices = [VkPhysicalDevice?](repeating: nil, count: Int(count))
        try vkCheck(vkEnumeratePhysicalDevices(instance, &count, &devices), "vkEnumeratePhysicalDevices")
        return devices.prefix(Int(count)).enumerated().compactMap { i, device in
            guard let device else { return nil }
            return Candidate(index: i, device: device,
                             capabilities: PhysicalDeviceProbe(instance: instance, device: device, index: i).capabilities())
        }
    }

    static func choose(from candidates: [Candidate], selection: DeviceSelection) throws(GPUError) -> Candidate {
        guard !candidates.isEmpty else { throw .noDevice("Vulkan reports no physical devices") }
        var pool = candidates
        if selection.forceFallbackAdapter { pool = pool.filter { $0.capabilities.kind == .cpu } }
        if let name = selection.nameContains?.lowercased() {
            pool = pool.filter { $0.capabilities.name.lowercased().contains(name) }
        }
        if let index = selection.index { pool = pool.filter { $0.index == index } }
        let ranked = pool.sorted {
            ($0.capabilities.kind.rank(for: selection.powerPreference), $0.index)
                < ($1.capabilities.kind.rank(for: selection.powerPreference), $1.index)
        }
        guard let best = ranked.first else {
            throw .deviceNotFound(selection: selection.description,
                                  available: candidates.map { "\($0.index): \($0.capabilities.name) (\($0.capabilities.kind.rawValue))" })
        }
        return best
    }

    static func createDevice(_ physical: VkPhysicalDevice, family: UInt32, capabilities caps: DeviceCapabilities,
                             robust: Bool) throws(GPUError) -> VkDevice {
        var extensions = ["VK_KHR_push_descriptor"]
        if caps.cooperativeMatrix { extensions.append("VK_NV_cooperative_matrix") }
        if caps.memoryBudget { extensions.append("VK_EXT_memory_budget") }

        // Enable exactly what the device offers of what kernels may use.
        let supported = FeatureChain(includeCooperativeMatrix: caps.cooperativeMatrix)
        defer { supported.release() }
        vkGetPhysicalDeviceFeatures2(physical, supported.root)
        let enabled = FeatureChain(includeCooperativeMatrix: caps.cooperativeMatrix)
        defer { enabled.release() }
        guard supported.vulkan12.pointee.timelineSemaphore != 0 else {
            throw .missingFeature("timeline semaphores (Vulkan 1.2) on \(caps.name)")
        }
        enabled.root.pointee.features.robustBufferAccess = robust ? 1 : 0
        enabled.root.pointee.features.shaderInt64 = supported.root.pointee.features.shaderInt64
        enabled.root.pointee.features.shaderInt16 = supported.root.pointee.features.shaderInt16
        enabled.vulkan11.pointee.storageBuffer16BitAccess = supported.vulkan11.pointee.storageBuffer16BitAccess
        enabled.vulkan12.pointee.timelineSemaphore = 1
        enabled.vulkan12.pointee.shaderFloat16 = supported.vulkan12.pointee.shaderFloat16
        enabled.vulkan12.pointee.shaderInt8 = supported.vulkan12.pointee.shaderInt8
        enabled.vulkan12.pointee.storageBuffer8BitAccess = supported.vulkan12.pointee.storageBuffer8BitAccess
        enabled.vulkan12.pointee.hostQueryReset = supported.vulkan12.pointee.hostQueryReset
        enabled.vulkan12.pointee.vulkanMemoryModel = supported.vulkan12.pointee.vulkanMemoryModel
        enabled.cooperativeMatrix.pointee.cooperativeMatrix = supported.cooperativeMatrix.pointee.cooperativeMatrix

        var priority: Float = 1
        var device: VkDevice?
        let result: VkResult = withCStringArray(extensions) { extPtrs in
            withUnsafePointer(to: &priority) { priorityPtr in
                var queueInfo = VkDeviceQueueCreateInfo()
                queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
                queueInfo.queueFamilyIndex = family
                queueInfo.queueCount = 1
                queueInfo.pQueuePriorities = priorityPtr
                return withUnsafePointer(to: &queueInfo) { queuePtr in
                    var info = VkDeviceCreateInfo()
                    info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
                    info.pNext = UnsafeRawPointer(enabled.root)
                    info.queueCreateInfoCount = 1
                    info.pQueueCreateInfos = queuePtr
                    info.enabledExtensionCount = UInt32(extensions.count)
                    info.ppEnabledExtensionNames = extPtrs
                    return vkCreateDevice(physical, &info, nil, &device)
                }
            }
        }
        try vkCheck(result, "vkCreateDevice(\(caps.name))")
        guard let device else { throw .noDevice("vkCreateDevice returned no device") }
        return device
    }
}

/// Calls `body` with a C array of C strings that lives for the duration of the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let duplicates = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    let pointers = duplicates.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { body(strings.isEmpty ? nil : $0.baseAddress) }
}
