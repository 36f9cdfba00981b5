import CVulkan

/// What one physical device offers, probed once at start-up. Kernel variants are chosen from this
/// value only (never by re-querying Vulkan), so tests can switch features off by editing it.
public struct DeviceCapabilities: Sendable, Codable, Equatable {
    public struct MemoryHeap: Sendable, Codable, Equatable {
        public var index: Int
        public var bytes: UInt64
        public var deviceLocal: Bool
        public var hostVisible: Bool
        /// Bytes the driver says this process may still allocate (VK_EXT_memory_budget), if known.
        public var budgetBytes: UInt64?
    }

    /// One `VK_NV_cooperative_matrix` shape: an M×K by K×N product accumulating into M×N.
    public struct CooperativeMatrixShape: Sendable, Codable, Equatable, CustomStringConvertible {
        public var m: Int, n: Int, k: Int
        public var aType: String, bType: String, cType: String, resultType: String
        public var description: String { "\(m)x\(n)x\(k) \(aType)*\(bType)+\(cType)->\(resultType)" }
    }

    public var index: Int
    public var name: String
    public var kind: DeviceKind
    public var vendorID: UInt32
    public var deviceID: UInt32
    public var apiVersion: String
    public var driverName: String
    public var driverInfo: String
    public var driverVersion: UInt32
    public var pipelineCacheUUID: String

    public var shaderFloat16: Bool
    public var shaderInt8: Bool
    public var shaderInt64: Bool
    public var storageBuffer16Bit: Bool
    public var storageBuffer8Bit: Bool
    public var subgroupSize: Int
    public var subgroupArithmetic: Bool
    public var maxWorkgroupInvocations: Int
    public var maxWorkgroupSize: [Int]
    public var maxWorkgroupCount: [Int]
    public var maxSharedMemoryBytes: Int
    public var maxStorageBufferRange: UInt64
    public var maxPushConstantsBytes: Int
    public var timestampPeriodNanoseconds: Double
    public var timestampsSupported: Bool
    public var robustBufferAccess: Bool
    public var pushDescriptors: Bool
    public var memoryBudget: Bool
    public var cooperativeMatrixShapes: [CooperativeMatrixShape]
    public var memoryHeaps: [MemoryHeap]
    /// Device memory is also host-visible (lavapipe, integrated GPUs, resizable BAR): uploads and
    /// downloads map the buffer directly instead of copying through staging.
    public var unifiedMemory: Bool

    public var cooperativeMatrix: Bool { !cooperativeMatrixShapes.isEmpty }

    /// True for the fp16 × fp16 → fp32 16×16×16 shape the tensor-core GEMM uses.
    public var hasCoopMatF16Accumulate32: Bool {
        cooperativeMatrixShapes.contains { $0.m == 16 && $0.n == 16 && $0.k == 16 && $0.aType == "fp16" && $0.cType == "fp32" }
    }
}

extension DeviceKind {
    init(_ type: VkPhysicalDeviceType) {
        switch type {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: self = .discrete
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: self = .integrated
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: self = .virtual
        case VK_PHYSICAL_DEVICE_TYPE_CPU: self = .cpu
        default: self = .other
        }
    }
}

func versionString(_ v: UInt32) -> String {
    "\(v >> 22).\((v >> 12) & 0x3ff).\(v & 0xfff)"
}

func componentTypeName(_ t: VkComponentTypeNV) -> String {
    switch t {
    case VK_COMPONENT_TYPE_FLOAT16_NV: return "fp16"
    case VK_COMPONENT_TYPE_FLOAT32_NV: return "fp32"
    case VK_COMPONENT_TYPE_FLOAT64_NV: return "fp64"
    case VK_COMPONENT_TYPE_SINT8_NV: return "s8"
    case VK_COMPONENT_TYPE_UINT8_NV: return "u8"
    case VK_COMPONENT_TYPE_SINT32_NV: return "s32"
    case VK_COMPONENT_TYPE_UINT32_NV: return "u32"
    case VK_COMPONENT_TYPE_SINT16_NV: return "s16"
    case VK_COMPONENT_TYPE_UINT16_NV: return "u16"
    default: return "type\(t.rawValue)"
    }
}

/// Reads a fixed-size C char tuple (Vulkan's `char name[256]`) as a String.
func cString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
