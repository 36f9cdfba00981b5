/// GLSL compute shader text with the name errors and caches refer to. Modules embed their `.comp`
/// files with SwiftPM's `.embedInCode` and hand them over through this type.
public struct ShaderSource: Sendable, Hashable {
    public let name: String
    public let text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    public init(name: String, bytes: [UInt8]) {
        self.init(name: name, text: String(decoding: bytes, as: UTF8.self))
    }
}

/// What selects one compiled variant of a shader: `#define`s and specialisation constants.
public struct KernelVariant: Sendable, Hashable {
    public var defines: [String: String]
    /// Values for `layout(constant_id = i)`, in id order.
    public var specialization: [UInt32]

    public init(defines: [String: String] = [:], specialization: [UInt32] = []) {
        self.defines = defines
        self.specialization = specialization
    }

    var sortedDefines: [(String, String)] { defines.sorted { $0.key < $1.key } }

    /// Compact text for logs and trace names: "fill[DTYPE=f16]".
    public func label(for name: String) -> String {
        let parts = sortedDefines.map { $0.1.isEmpty ? $0.0 : "\($0.0)=\($0.1)" }
        return parts.isEmpty ? name : "\(name)[\(parts.joined(separator: ","))]"
    }
}
