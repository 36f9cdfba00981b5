import GPUCore

/// Size limits a float32 kernel with 32-bit indices and whole-tensor storage-buffer bindings
/// must respect; operators decline the GPU (falling back to the CPU) when a tensor exceeds them.
enum KernelLimits {
    static func reason(_ specs: [TensorSpec], device: DeviceCapabilities) -> String? {
        for spec in specs {
            if spec.elementCount >= Int(Int32.max) { return "\(spec) has 2^31 or more elements (kernels index with 32 bits)" }
            if UInt64(spec.byteCount) > device.maxStorageBufferRange {
                return "\(spec) is \(spec.byteCount) bytes, above the device's storage-buffer range of \(device.maxStorageBufferRange)"
            }
        }
        return nil
    }
}
