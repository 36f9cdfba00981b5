import CVulkan
import Foundation

/// Everything GPUCore can fail with. Messages name the Vulkan call and its result in words.
public enum GPUError: Error, LocalizedError, Equatable {
    case vulkan(call: String, result: String)
    case noDevice(String)
    case deviceNotFound(selection: String, available: [String])
    case missingFeature(String)
    case outOfDeviceMemory(requested: Int, available: Int?, heap: Int)
    case deviceLost(during: String)
    case shaderCompile(shader: String, line: Int?, message: String)
    case shaderNotFound(String)
    case bindingMismatch(kernel: String, expected: Int, given: Int)
    case bufferTooSmall(what: String, needed: Int, size: Int)
    case tensorDisposed(String)
    case tensorOwnership(String)
    case injectedFault(String)
    case timeout(String)

    public var errorDescription: String? {
        switch self {
        case let .vulkan(call, result):
            return "\(call) failed: \(result)"
        case .noDevice(let why):
            return "no usable Vulkan device: \(why). Install a driver (e.g. `apt-get install mesa-vulkan-drivers` for the CPU implementation lavapipe) and check `sluice devices`."
        case let .deviceNotFound(selection, available):
            return "no Vulkan device matches \(selection); available: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .missingFeature(let feature):
            return "the Vulkan device lacks a required feature: \(feature)"
        case let .outOfDeviceMemory(requested, available, heap):
            let free = available.map { "\($0) bytes available" } ?? "available bytes unknown (no VK_EXT_memory_budget)"
            return "out of device memory: requested \(requested) bytes from heap \(heap), \(free). Use a smaller batch or free GPU tensors (dispose())."
        case .deviceLost(let during):
            return "the GPU device was lost during \(during) (driver reset or crashed kernel); restart the process"
        case let .shaderCompile(shader, line, message):
            return "shader \(shader)\(line.map { " line \($0)" } ?? "") failed to compile: \(message)"
        case .shaderNotFound(let name):
            return "no embedded shader named \(name)"
        case let .bindingMismatch(kernel, expected, given):
            return "kernel \(kernel) takes \(expected) buffers but \(given) were bound"
        case let .bufferTooSmall(what, needed, size):
            return "\(what): needs \(needed) bytes but the buffer holds \(size)"
        case .tensorDisposed(let what):
            return "\(what): the tensor was disposed; its data is gone"
        case .tensorOwnership(let what):
            return what
        case .injectedFault(let what):
            return "injected fault: \(what)"
        case .timeout(let what):
            return "timed out waiting for \(what)"
        }
    }
}

/// Turns a VkResult into a thrown `GPUError` naming the call.
@inline(__always)
func vkCheck(_ result: VkResult, _ call: @autoclosure () -> String) throws(GPUError) {
    guard result != VK_SUCCESS else { return }
    if result == VK_ERROR_DEVICE_LOST { throw .deviceLost(during: call()) }
    throw .vulkan(call: call(), result: result.words)
}

extension VkResult {
    /// The result's name and meaning, e.g. "VK_ERROR_OUT_OF_DEVICE_MEMORY (out of device memory)".
    public var words: String {
        let table: [(VkResult, String, String)] = [
            (VK_SUCCESS, "VK_SUCCESS", "success"),
            (VK_NOT_READY, "VK_NOT_READY", "not ready"),
            (VK_TIMEOUT, "VK_TIMEOUT", "timed out"),
            (VK_INCOMPLETE, "VK_INCOMPLETE", "incomplete result"),
            (VK_ERROR_OUT_OF_HOST_MEMORY, "VK_ERROR_OUT_OF_HOST_MEMORY", "out of host memory"),
            (VK_ERROR_OUT_OF_DEVICE_MEMORY, "VK_ERROR_OUT_OF_DEVICE_MEMORY", "out of device memory"),
            (VK_ERROR_INITIALIZATION_FAILED, "VK_ERROR_INITIALIZATION_FAILED", "initialisation failed"),
            (VK_ERROR_DEVICE_LOST, "VK_ERROR_DEVICE_LOST", "device lost"),
            (VK_ERROR_MEMORY_MAP_FAILED, "VK_ERROR_MEMORY_MAP_FAILED", "memory map failed"),
            (VK_ERROR_LAYER_NOT_PRESENT, "VK_ERROR_LAYER_NOT_PRESENT", "layer not present (install vulkan-validationlayers)"),
            (VK_ERROR_EXTENSION_NOT_PRESENT, "VK_ERROR_EXTENSION_NOT_PRESENT", "extension not present"),
            (VK_ERROR_FEATURE_NOT_PRESENT, "VK_ERROR_FEATURE_NOT_PRESENT", "feature not present"),
            (VK_ERROR_INCOMPATIBLE_DRIVER, "VK_ERROR_INCOMPATIBLE_DRIVER", "incompatible driver"),
            (VK_ERROR_TOO_MANY_OBJECTS, "VK_ERROR_TOO_MANY_OBJECTS", "too many objects"),
            (VK_ERROR_FORMAT_NOT_SUPPORTED, "VK_ERROR_FORMAT_NOT_SUPPORTED", "format not supported"),
            (VK_ERROR_FRAGMENTED_POOL, "VK_ERROR_FRAGMENTED_POOL", "fragmented pool"),
            (VK_ERROR_OUT_OF_POOL_MEMORY, "VK_ERROR_OUT_OF_POOL_MEMORY", "out of pool memory"),
        ]
        if let entry = table.first(where: { $0.0 == self }) { return "\(entry.1) (\(entry.2))" }
        return "VkResult \(rawValue)"
    }
}
