extension StageRegistry {
    /// Every stage type Sluice ships: sources and sinks, image decoding, GPU preprocessing,
    /// ONNX inference and top-k. The one place a new stage type is registered.
    public static func standard() -> StageRegistry {
        var registry = StageRegistry()
        registry.registerBuiltIns()
        registry.register(ImageDecodeStage.self)
        registry.register(PreprocessStage.self)
        registry.register(OnnxStage.self)
        registry.register(TopKStage.self)
        return registry
    }
}
