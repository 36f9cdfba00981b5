extension GPUBuffer {
    /// Gives the host direct access to a host-mapped buffer's bytes (after the GPU's last use),
    /// e.g. to decode an image straight into memory a shader reads. Throws for device-only memory.
    public func withMappedBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
        guard let mapped = allocation.mapped else {
            throw GPUError.tensorOwnership("\(label) is not host-mapped; use a staging buffer (makeStagingBuffer)")
        }
        try waitUntilIdle()
        return try body(UnsafeMutableRawBufferPointer(start: mapped, count: size))
    }
}

extension GPUContext {
    /// A buffer the host writes and shaders read without a copy in between: device memory where it
    /// is host-visible (CPU and integrated devices), host-visible staging memory otherwise (shaders
    /// read it over the bus, once). Pooled: it returns to the pool when released.
    public func makeStagingBuffer(size: Int, label: String = "staging") throws(GPUError) -> GPUBuffer {
        let unified = capabilities.unifiedMemory && capabilities.kind != .discrete
        return try makePooledBuffer(size: size, placement: unified ? .device : .upload, label: label)
    }
}
