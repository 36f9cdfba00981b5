import GPUCore

/// Where a session computes: `vulkan` runs kernels on the GPU, `cpu` runs the CPU references.
/// With both (the default), nodes the GPU cannot run fall back to the CPU with the reason logged.
public enum ExecutionProvider: String, Sendable, Codable, CaseIterable {
    case vulkan, cpu
}

/// Where a session leaves an output (ONNX Runtime's `preferredOutputLocation`).
public enum OutputLocation: String, Sendable, Codable {
    case cpu
    case gpuBuffer = "gpu-buffer"
}

public struct SessionOptions: Sendable {
    public var executionProviders: [ExecutionProvider]
    /// Location for every output without an entry in `outputLocations`.
    public var preferredOutputLocation: OutputLocation
    /// Per-output overrides of `preferredOutputLocation`.
    public var outputLocations: [String: OutputLocation]
    /// Record the whole graph into one command stream on the first run and replay it after.
    /// Requires static shapes, every node on the GPU, GPU-tensor feeds and GPU outputs.
    public var enableGraphCapture: Bool
    /// Sizes for symbolic dimensions (`batch` = 1), checked against feeds.
    public var freeDimensionOverrides: [String: Int]
    /// Graph passes: constant folding, dead-node removal, Conv+BatchNormalization and
    /// activation/bias fusion.
    public var graphOptimization: Bool
    /// Per-node GPU times (timestamp queries), written as a Chrome trace by `endProfiling`.
    public var enableProfiling: Bool
    /// Device to open when the session creates its own GPU context.
    public var deviceSelection: DeviceSelection
    /// A context to share between sessions (and pipelines); nil opens one.
    public var context: GPUContext?
    public var loaderLimits: LoaderLimits

    public init(executionProviders: [ExecutionProvider] = [.vulkan, .cpu],
                preferredOutputLocation: OutputLocation = .cpu,
                outputLocations: [String: OutputLocation] = [:],
                enableGraphCapture: Bool = false,
                freeDimensionOverrides: [String: Int] = [:],
                graphOptimization: Bool = true,
                enableProfiling: Bool = false,
                deviceSelection: DeviceSelection = .fromEnvironment(),
                context: GPUContext? = nil,
                loaderLimits: LoaderLimits = LoaderLimits()) {
        self.executionProviders = executionProviders
        self.preferredOutputLocation = preferredOutputLocation
        self.outputLocations = outputLocations
        self.enableGraphCapture = enableGraphCapture
        self.freeDimensionOverrides = freeDimensionOverrides
        self.graphOptimization = graphOptimization
        self.enableProfiling = enableProfiling
        self.deviceSelection = deviceSelection
        self.context = context
        self.loaderLimits = loaderLimits
    }

    func location(of output: String) -> OutputLocation { outputLocations[output] ?? preferredOutputLocation }
}
