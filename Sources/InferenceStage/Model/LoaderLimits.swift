/// Bounds a loader enforces before trusting a file: a model or `.pb` file is untrusted input, and
/// each limit stops one way a hostile file could exhaust memory or the stack.
public struct LoaderLimits: Sendable, Equatable {
    /// Largest model (or `.pb`) file read into memory. Protobuf messages cannot exceed 2 GiB;
    /// larger weights belong in external data files.
    public var maxModelBytes: Int
    /// Largest element count of any one tensor (initialiser, constant attribute or `.pb` file).
    public var maxTensorElements: Int
    /// Total bytes of all tensors a model holds (initialisers, external data and tensor
    /// attributes together).
    public var maxTotalInitializerBytes: Int
    /// Deepest nesting of protobuf messages (ModelProto counts as 1). Checked on the raw bytes
    /// before protobuf-c, whose recursive parser would otherwise overflow the stack.
    public var maxNestingDepth: Int
    /// Most nodes across the main graph and all subgraphs.
    public var maxGraphNodes: Int

    public init(
        maxModelBytes: Int = 2 << 30,
        maxTensorElements: Int = 1 << 32,
        maxTotalInitializerBytes: Int = 32 << 30,
        maxNestingDepth: Int = 64,
        maxGraphNodes: Int = 1_000_000
    ) {
        self.maxModelBytes = maxModelBytes
        self.maxTensorElements = maxTensorElements
        self.maxTotalInitializerBytes = maxTotalInitializerBytes
        self.maxNestingDepth = maxNestingDepth
        self.maxGraphNodes = maxGraphNodes
    }
}
