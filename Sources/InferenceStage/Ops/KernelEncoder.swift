import GPUCore

/// What operators record GPU work through: kernels from `OpShaders`, dispatch grids for element
/// counts beyond one dimension's limit, and scratch buffers that live as long as the stream.
public final class KernelEncoder: @unchecked Sendable {
    public let context: GPUContext
    public let stream: CommandStream
    /// Node label used for profiling marks of the dispatches recorded next.
    public var nodeLabel: String = ""
    private var scratch: [GPUBuffer] = []

    public init(context: GPUContext, stream: CommandStream) {
        self.context = context
        self.stream = stream
    }

    public var capabilities: DeviceCapabilities { context.capabilities }

    public func kernel(_ shader: String, _ defines: [String: String] = [:], bindings: Int, pushBytes: Int = 128) throws -> ComputeKernel {
        try context.shaders.kernel(try OpShaders.source(shader), variant: KernelVariant(defines: defines),
                                   bindings: bindings, pushConstantBytes: pushBytes)
    }

    /// Dispatches `kernel` with enough 256-wide workgroups for `count` invocations, spilling into
    /// the y dimension past 65,535 groups. Shaders compute
    /// `i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x`.
    public func dispatch(_ kernel: ComputeKernel, _ bindings: [BufferBinding], push: PushConstants, count: Int, groupSize: Int = 256) throws {
        guard count > 0 else { return }
        let groups = (count + groupSize - 1) / groupSize
        let maxX = min(capabilities.maxWorkgroupCount[0], 65_535)
        let x = min(groups, maxX)
        let y = (groups + x - 1) / x
        try stream.dispatch(kernel, bindings, push: push, groups: (x, y, 1), label: nodeLabel)
    }

    /// Dispatches an explicit grid.
    public func dispatch(_ kernel: ComputeKernel, _ bindings: [BufferBinding], push: PushConstants, groups: (x: Int, y: Int, z: Int)) throws {
        try stream.dispatch(kernel, bindings, push: push, groups: groups, label: nodeLabel)
    }

    /// A temporary device buffer that stays alive until the stream is released.
    public func scratchBuffer(bytes: Int, label: String = "scratch") throws -> GPUBuffer {
        let buffer = try context.makePooledBuffer(size: max(bytes, 4), label: label)
        scratch.append(buffer)
        return buffer
    }

    /// A small device buffer holding `values` (uploaded by the stream before its first use).
    public func constantBuffer(_ data: TensorData, label: String = "constant") throws -> GPUBuffer {
        let buffer = try scratchBuffer(bytes: data.bytes.count, label: label)
        try stream.upload(data.bytes, to: buffer)
        return buffer
    }
}

extension GPUValue {
    /// Binding of this value for a kernel's read.
    public var read: BufferBinding { .read(buffer, offset: offset, range: max(byteCount, 4)) }
    /// Binding of this value for a kernel's write.
    public var write: BufferBinding { .write(buffer, offset: offset, range: max(byteCount, 4)) }
}
