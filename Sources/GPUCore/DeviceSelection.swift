import Foundation

/// Which adapter kind to prefer when several devices are present (WebGPU's `powerPreference`).
public enum PowerPreference: String, Sendable, Codable, CaseIterable {
    /// Discrete GPUs first, then integrated, virtual, CPU.
    case highPerformance = "high-performance"
    /// Integrated GPUs first, then discrete, virtual, CPU.
    case lowPower = "low-power"
}

/// How `GPUContext` picks a physical device. Fields combine: candidates are filtered by
/// `forceFallbackAdapter`, `nameContains` and `index`, then ordered by `powerPreference`.
public struct DeviceSelection: Sendable, Equatable, CustomStringConvertible {
    /// Index into the list `sluice devices` prints.
    public var index: Int?
    /// Case-insensitive substring of the device name ("H100", "llvmpipe").
    public var nameContains: String?
    public var powerPreference: PowerPreference
    /// Only CPU implementations (lavapipe/SwiftShader), like WebGPU's `forceFallbackAdapter`.
    public var forceFallbackAdapter: Bool
    /// Khronos validation layer; nil reads `SLUICE_VALIDATION=1` from the environment.
    public var enableValidation: Bool?
    /// Clamp out-of-range buffer accesses in shaders (robustBufferAccess) where the device offers it.
    public var robustBufferAccess: Bool

    public init(index: Int? = nil, nameContains: String? = nil,
                powerPreference: PowerPreference = .highPerformance,
                forceFallbackAdapter: Bool = false, enableValidation: Bool? = nil,
                robustBufferAccess: Bool = true) {
        self.index = index
        self.nameContains = nameContains
        self.powerPreference = powerPreference
        self.forceFallbackAdapter = forceFallbackAdapter
        self.enableValidation = enableValidation
        self.robustBufferAccess = robustBufferAccess
    }

    /// Reads `SLUICE_DEVICE` (an index or a name substring) when no explicit choice was made,
    /// so tests and scripts can steer device choice without flags.
    public static func fromEnvironment() -> DeviceSelection {
        var selection = DeviceSelection()
        if let value = ProcessInfo.processInfo.environment["SLUICE_DEVICE"], !value.isEmpty {
            if let index = Int(value) { selection.index = index } else { selection.nameContains = value }
        }
        return selection
    }

    public var description: String {
        var parts: [String] = []
        if let index { parts.append("index \(index)") }
        if let nameContains { parts.append("name containing \"\(nameContains)\"") }
        if forceFallbackAdapter { parts.append("a CPU fallback adapter") }
        return parts.isEmpty ? "any device" : parts.joined(separator: ", ")
    }

    var validationRequested: Bool {
        enableValidation ?? (ProcessInfo.processInfo.environment["SLUICE_VALIDATION"] == "1")
    }
}

public enum DeviceKind: String, Sendable, Codable {
    case discrete, integrated, virtual, cpu, other

    func rank(for preference: PowerPreference) -> Int {
        switch (preference, self) {
        case (.highPerformance, .discrete), (.lowPower, .integrated): return 0
        case (.highPerformance, .integrated), (.lowPower, .discrete): return 1
        case (_, .virtual): return 2
        case (_, .other): return 3
        case (_, .cpu): return 4
        }
    }
}
