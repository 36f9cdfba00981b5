import CVulkan
import Logging

/// Collects messages from the Khronos validation layer. Tests assert `messages` is empty after
/// GPU work; the CLI logs them as warnings.
public final class ValidationMessenger: @unchecked Sendable {
    private let collected = Locked<[String]>([])
    private let logger = Logger(label: "sluice.validation")

    public var messages: [String] { collected.current }

    /// Returns the messages gathered so far and forgets them.
    public func drain() -> [String] { collected.withLock { m in defer { m.removeAll() }; return m } }

    func record(_ message: String, severity: VkDebugUtilsMessageSeverityFlagBitsEXT) {
        // Info/verbose messages are chatter; warnings and errors are defects.
        guard severity.rawValue >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT.rawValue else { return }
        collected.withLock { $0.append(message) }
        logger.warning("\(message)")
    }

    /// The create-info to chain into `VkInstanceCreateInfo` and to create the messenger with.
    func createInfo() -> VkDebugUtilsMessengerCreateInfoEXT {
        var info = VkDebugUtilsMessengerCreateInfoEXT()
        info.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT
        info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT.rawValue
            | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT.rawValue
        info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT.rawValue
            | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT.rawValue
            | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT.rawValue
        info.pfnUserCallback = { severity, _, data, userData in
            guard let userData, let data else { return VkBool32(VK_FALSE) }
            let messenger = Unmanaged<ValidationMessenger>.fromOpaque(userData).takeUnretainedValue()
            let text = data.pointee.pMessage.map { String(cString: $0) } ?? "(no message)"
            messenger.record(text, severity: severity)
            return VkBool32(VK_FALSE)
        }
        info.pUserData = Unmanaged.passUnretained(self).toOpaque()
        return info
    }
}
