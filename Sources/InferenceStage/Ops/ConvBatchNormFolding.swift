import GPUCore

/// Folds an inference-mode BatchNormalization that consumes a Conv's output into the Conv's
/// weights and bias, for the graph fusion pass (Conv+BN → Conv, or FusedConv with an activation):
/// with s = scale / sqrt(var + epsilon), W'[m] = W[m] · s[m] and B'[m] = (B[m] − mean[m]) · s[m] + b[m].
public enum ConvBatchNormFolding {
    /// `weight` is the Conv's W [M, C/group, k…]; `bias` its B [M] or nil; the rest are the
    /// BatchNormalization's per-channel parameters ([M] each) and epsilon. Results keep the
    /// weight's element type.
    public static func fold(weight: TensorData, bias: TensorData?, scale: TensorData, offset: TensorData,
                            mean: TensorData, variance: TensorData, epsilon: Float) throws -> (weight: TensorData, bias: TensorData) {
        guard weight.dataType.isFloatingPoint, weight.dims.count >= 1 else {
            throw OperatorError.invalid("cannot fold BatchNormalization into a \(weight.dataType) \(weight.dims) Conv weight")
        }
        let channels = weight.dims[0]
        for (name, value) in [("scale", scale), ("B", offset), ("input_mean", mean), ("input_var", variance)] + (bias.map { [("Conv bias", $0)] } ?? []) {
            guard value.dims == [channels], value.dataType.isFloatingPoint else {
                throw OperatorError.invalid("cannot fold BatchNormalization: \(name) is \(value.dataType) \(value.dims) but the Conv has \(channels) output channels")
            }
        }
        let s = zip(scale.floats(), variance.floats()).map { $0 / ($1 + epsilon).squareRoot() }
        let perChannel = channels == 0 ? 0 : weight.elementCount / channels
        let w = weight.floats().enumerated().map { index, value in value * s[index / perChannel] }
        let b = bias?.floats() ?? [Float](repeating: 0, count: channels)
        let means = mean.floats(), offsets = offset.floats()
        let folded = (0..<channels).map { m in (b[m] - means[m]) * s[m] + offsets[m] }
        return (try TensorData(floats: w, dims: weight.dims, as: weight.dataType),
                try TensorData(floats: folded, dims: [channels], as: weight.dataType))
    }
}
