/// Every operator Sluice knows, by (domain, type). This is the only hand-written list: adding an
/// operator means writing its file and adding its registrations here.
public enum OperatorRegistry {
    public static let all: [OperatorRegistration] = {
        var list: [OperatorRegistration] = []
        list += UnaryOperator.registrations
        list += BinaryOperator.registrations
        list += ReduceOperator.registrations
        list += ArgReduceOperator.registrations
        list += SoftmaxOperator.registrations
        list += LayerNormalizationOperator.registrations
        list += InstanceNormalizationOperator.registrations
        list += MatMulOperator.registrations
        list += GemmOperator.registrations
        list += PoolOperator.registrations
        list += LRNOperator.registrations
        list += ConvOperator.registrations
        list += ConvTransposeOperator.registrations
        list += BatchNormalizationOperator.registrations
        list += ReshapeOperator.registrations
        list += TransposeOperator.registrations
        list += ConcatOperator.registrations
        list += SplitOperator.registrations
        list += SliceOperator.registrations
        list += ExpandOperator.registrations
        list += TileOperator.registrations
        list += GatherOperator.registrations
        list += ShapeOperator.registrations
        list += CastOperator.registrations
        list += ConstantOperator.registrations
        list += PadOperator.registrations
        list += RangeOperator.registrations
        list += WhereOperator.registrations
        list += NotOperator.registrations
        list += TriluOperator.registrations
        list += CumSumOperator.registrations
        return list
    }()

    private static let byKey: [String: [OperatorRegistration]] = Dictionary(grouping: all) { key($0.domain, $0.opType) }

    static func key(_ domain: String, _ opType: String) -> String { domain == "ai.onnx" ? opType : "\(domain)::\(opType)" }

    /// The registration for `opType` at `opset`, or nil when unknown / outside supported opsets.
    public static func lookup(_ opType: String, domain: String = "", opset: Int) -> OperatorRegistration? {
        byKey[key(domain, opType)]?.first { $0.opsets.contains(opset) }
    }

    /// Registrations for `opType` whatever the opset (to explain an opset mismatch).
    public static func registrations(for opType: String, domain: String = "") -> [OperatorRegistration] {
        byKey[key(domain, opType)] ?? []
    }
}
