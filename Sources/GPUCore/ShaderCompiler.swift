import CShaderc
import Foundation

/// GLSL → SPIR-V with shaderc, with an on-disk cache keyed by source, defines and compiler version.
/// A corrupt cache file is ignored (with a warning) and rewritten, never fatal.
struct ShaderCompiler: Sendable {
    let cacheDirectory: URL?
    /// Folded into every cache key: the compiler's version and the options below.
    let settingsKey: String

    init(cacheDirectory: URL?) {
        self.cacheDirectory = cacheDirectory
        settingsKey = "shaderc-\(sluice_shaderc_version())-vk1.2-spv1.5-O"
    }

    static func defaultCacheDirectory() -> URL? {
        let env = ProcessInfoEnvironment.values
        if env["SLUICE_SHADER_CACHE"] == "off" { return nil }
        if let dir = env["SLUICE_CACHE_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("sluice") }
        if let home = env["HOME"], !home.isEmpty { return URL(fileURLWithPath: home).appendingPathComponent(".cache/sluice") }
        return nil
    }

    func cacheKey(_ source: ShaderSource, _ variant: KernelVariant) -> String {
        var hash = StableHash()
        hash.combine(settingsKey)
        hash.combine(source.name)
        hash.combine(source.text)
        for (key, value) in variant.sortedDefines { hash.combine(key); hash.combine(value) }
        return hash.hex
    }

    /// Returns SPIR-V words and whether they came from the disk cache.
    func spirv(for source: ShaderSource, variant: KernelVariant, onWarning: (String) -> Void) throws(GPUError) -> (words: [UInt32], cached: Bool) {
        let key = cacheKey(source, variant)
        let file = cacheDirectory?.appendingPathComponent("spirv/\(key).spv")
        if let file, let data = try? Data(contentsOf: file) {
            if let words = Self.decodeCacheFile(data) { return (words, true) }
            onWarning("ignoring corrupt shader cache file \(file.path); recompiling \(source.name)")
        }
        let words = try compile(source, variant: variant)
        if let file {
            try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Write to a temporary name and rename, so a concurrent reader never sees half a file.
            let temp = file.appendingPathExtension("tmp\(getpid())")
            if (try? Self.encodeCacheFile(words).write(to: temp)) != nil, rename(temp.path, file.path) != 0 {
                try? FileManager.default.removeItem(at: temp)
            }
        }
        return (words, false)
    }

    func compile(_ source: ShaderSource, variant: KernelVariant) throws(GPUError) -> [UInt32] {
        guard let compiler = shaderc_compiler_initialize() else {
            throw .shaderCompile(shader: source.name, line: nil, message: "shaderc could not start")
        }
        defer { shaderc_compiler_release(compiler) }
        guard let options = shaderc_compile_options_initialize() else {
            throw .shaderCompile(shader: source.name, line: nil, message: "shaderc options could not be created")
        }
        defer { shaderc_compile_options_release(options) }
        shaderc_compile_options_set_target_env(options, shaderc_target_env_vulkan, UInt32(shaderc_env_version_vulkan_1_2.rawValue))
        shaderc_compile_options_set_target_spirv(options, shaderc_spirv_version_1_5)
        shaderc_compile_options_set_optimization_level(options, shaderc_optimization_level_performance)
        for (key, value) in variant.sortedDefines {
            shaderc_compile_options_add_macro_definition(options, key, key.utf8.count, value, value.utf8.count)
        }
        let result = source.text.withCString { text in
            shaderc_compile_into_spv(compiler, text, strlen(text), shaderc_compute_shader, source.name, "main", options)
        }
        guard let result else { throw .shaderCompile(shader: source.name, line: nil, message: "shaderc returned nothing") }
        defer { shaderc_result_release(result) }
        guard shaderc_result_get_compilation_status(result) == shaderc_compilation_status_success else {
            let message = shaderc_result_get_error_message(result).map { String(cString: $0) } ?? "unknown error"
            throw .shaderCompile(shader: variant.label(for: source.name), line: Self.firstErrorLine(message, shader: source.name),
                                 message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let length = shaderc_result_get_length(result)
        guard let bytes = shaderc_result_get_bytes(result), length % 4 == 0 else {
            throw .shaderCompile(shader: source.name, line: nil, message: "SPIR-V of odd length \(length)")
        }
        return Array(UnsafeRawBufferPointer(start: bytes, count: length).bindMemory(to: UInt32.self))
    }

    /// shaderc reports "name.comp:12: error: ..."; returns 12.
    static func firstErrorLine(_ message: String, shader: String) -> Int? {
        for line in message.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2)
            if parts.count >= 2, parts[0].hasSuffix(shader) || parts[0] == Substring(shader), let number = Int(parts[1]) {
                return number
            }
        }
        return nil
    }

    // Cache file: magic "SLSV", word count, FNV of the words, then the words.
    static func encodeCacheFile(_ words: [UInt32]) -> Data {
        var header: [UInt32] = [0x5653_4c53, UInt32(words.count), checksum(words)]
        header.append(contentsOf: words)
        return header.withUnsafeBytes { Data($0) }
    }

    static func decodeCacheFile(_ data: Data) -> [UInt32]? {
        guard data.count >= 12, data.count % 4 == 0 else { return nil }
        let all = data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        guard all[0] == 0x5653_4c53, Int(all[1]) == all.count - 3 else { return nil }
        let words = Array(all[3...])
        guard checksum(words) == all[2], words.first == 0x0723_0203 else { return nil }
        return words
    }

    static func checksum(_ words: [UInt32]) -> UInt32 {
        var h: UInt32 = 0x811c_9dc5
        for w in words { h = (h ^ w) &* 0x0100_0193 }
        return h
    }
}
