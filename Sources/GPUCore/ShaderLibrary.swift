import CVulkan
import Foundation
import Logging

/// Compiles and caches compute kernels for one device: SPIR-V on disk (see `ShaderCompiler`),
/// pipelines in memory, and a persisted `VkPipelineCache` so drivers skip their own compile.
public final class ShaderLibrary: @unchecked Sendable {
    private struct Key: Hashable { let source: ShaderSource; let variant: KernelVariant; let bindings: Int; let push: Int }

    // unowned(unsafe): the context owns this object and calls into it from its own deinit, where
    // checked unowned references to it already trap.
    private unowned(unsafe) let context: GPUContext
    private let compiler: ShaderCompiler
    private let kernels = Locked<[Key: ComputeKernel]>([:])
    private let pipelineCache: VkPipelineCache?
    private let logger = Logger(label: "sluice.shaders")

    public struct Statistics: Sendable, Equatable {
        public var compiled = 0
        public var diskHits = 0
        public var memoryHits = 0
        public var compileSeconds = 0.0
    }
    private let counters = Locked(Statistics())
    public var statistics: Statistics { counters.current }

    init(context: GPUContext) {
        self.context = context
        compiler = ShaderCompiler(cacheDirectory: ShaderCompiler.defaultCacheDirectory())
        pipelineCache = Self.loadPipelineCache(context: context, file: Self.pipelineCacheFile(compiler, context), logger: logger)
    }

    static func pipelineCacheFile(_ compiler: ShaderCompiler, _ context: GPUContext) -> URL? {
        let caps = context.capabilities
        return compiler.cacheDirectory?.appendingPathComponent("pipelines-\(caps.vendorID)-\(caps.deviceID)-\(caps.pipelineCacheUUID).bin")
    }

    /// The kernel for `source` compiled with `variant`; compiled once per process and device.
    public func kernel(_ source: ShaderSource, variant: KernelVariant = KernelVariant(), bindings: Int,
                       pushConstantBytes: Int = 0) throws(GPUError) -> ComputeKernel {
        let key = Key(source: source, variant: variant, bindings: bindings, push: pushConstantBytes)
        if let found = kernels.withLock({ $0[key] }) {
            counters.withLock { $0.memoryHits += 1 }
            return found
        }
        let start = Date()
        let (words, cached) = try compiler.spirv(for: source, variant: variant) { logger.warning("\($0)") }
        let kernel = try context.buildKernel(name: variant.label(for: source.name), spirv: words, bindingCount: bindings,
                                             pushConstantBytes: pushConstantBytes, specialization: variant.specialization,
                                             pipelineCache: pipelineCache)
        let elapsed = Date().timeIntervalSince(start)
        counters.withLock {
            if cached { $0.diskHits += 1 } else { $0.compiled += 1 }
            $0.compileSeconds += elapsed
        }
        logger.debug("kernel \(kernel.name): \(cached ? "SPIR-V from disk cache" : "compiled") in \(Int(elapsed * 1000)) ms")
        // Another thread may have built the same kernel meanwhile; keep the first, drop ours.
        let winner = kernels.withLock { table -> ComputeKernel in
            if let existing = table[key] { return existing }
            table[key] = kernel
            return kernel
        }
        if winner !== kernel { kernel.destroy(device: context.device) }
        return winner
    }

    /// Compiles `source` without creating a pipeline: for tests and `sluice selftest`.
    public func compileOnly(_ source: ShaderSource, variant: KernelVariant = KernelVariant()) throws(GPUError) -> [UInt32] {
        try compiler.compile(source, variant: variant)
    }

    /// Writes the driver's pipeline cache to disk (also done when the context closes).
    public func persist() {
        guard let pipelineCache, let file = Self.pipelineCacheFile(compiler, context) else { return }
        var size = 0
        guard vkGetPipelineCacheData(context.device, pipelineCache, &size, nil) == VK_SUCCESS, size > 0 else { return }
        var data = Data(count: size)
        let ok = data.withUnsafeMutableBytes { vkGetPipelineCacheData(context.device, pipelineCache, &size, $0.baseAddress) == VK_SUCCESS }
        guard ok else { return }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temp = file.appendingPathExtension("tmp\(getpid())")
        if (try? data.prefix(size).write(to: temp)) != nil { _ = rename(temp.path, file.path) }
    }

    func destroyAll() {
        persist()
        let all = kernels.withLock { table -> [ComputeKernel] in defer { table.removeAll() }; return Array(table.values) }
        all.forEach { $0.destroy(device: context.device) }
        if let pipelineCache { vkDestroyPipelineCache(context.device, pipelineCache, nil) }
    }

    static func loadPipelineCache(context: GPUContext, file: URL?, logger: Logger) -> VkPipelineCache? {
        var initial = file.flatMap { try? Data(contentsOf: $0) } ?? Data()
        // The header (length, version, vendor, device, UUID) must match this device; otherwise a
        // driver may reject it, so check it ourselves and start empty with a warning.
        if !initial.isEmpty && !Self.headerMatches(initial, context.capabilities) {
            logger.warning("ignoring pipeline cache \(file?.path ?? "") written for another device or corrupt")
            initial = Data()
        }
        var cache: VkPipelineCache?
        let result = initial.withUnsafeBytes { bytes in
            var info = VkPipelineCacheCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO
            info.initialDataSize = bytes.count
            info.pInitialData = bytes.baseAddress
            return vkCreatePipelineCache(context.device, &info, nil, &cache)
        }
        if result == VK_SUCCESS { return cache }
        logger.warning("pipeline cache rejected (\(result.words)); starting empty")
        var empty = VkPipelineCacheCreateInfo()
        empty.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO
        return vkCreatePipelineCache(context.device, &empty, nil, &cache) == VK_SUCCESS ? cache : nil
    }

    static func headerMatches(_ data: Data, _ caps: DeviceCapabilities) -> Bool {
        guard data.count >= 32 else { return false }
        let words = data.prefix(16).withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        let uuid = data[16..<32].map { String(format2: $0) }.joined()
        return words[0] >= 32 && words[1] == 1 && words[2] == caps.vendorID && words[3] == caps.deviceID && uuid == caps.pipelineCacheUUID
    }
}
