import GPUCore

/// The GPU device a pipeline run shares between its stages, opened on first use (a pipeline
/// without GPU stages never touches Vulkan). Tests and embedders can hand in a context.
public final class GPUProvider: @unchecked Sendable {
    private let selection: DeviceSelection
    private let opened = Locked<GPUContext?>(nil)

    public init(selection: DeviceSelection = .fromEnvironment(), context: GPUContext? = nil) {
        self.selection = selection
        opened.withLock { $0 = context }
    }

    public func context() throws -> GPUContext {
        try opened.withLock { current in
            if let current { return current }
            let context = try GPUContext(selection: selection)
            current = context
            return context
        }
    }

    /// The context if one was opened (for statistics after a run).
    public var openedContext: GPUContext? { opened.current }
}
