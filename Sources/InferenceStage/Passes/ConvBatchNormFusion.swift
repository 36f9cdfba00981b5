import GPUCore

/// Folds an inference-mode BatchNormalization into the Conv before it when the Conv's output
/// feeds only the BatchNormalization and every parameter is an initializer:
/// W' = W·s/√(v+ε) per output channel, B' = (B − m)·s/√(v+ε) + b.
public enum ConvBatchNormFusion {
    public static func run(_ graph: Graph) throws -> Graph {
        var result = graph
        let readers = graph.readerCounts()
        let producers = graph.producers()
        var removed = Set<Int>()
        for (bnIndex, bn) in graph.nodes.enumerated() where bn.opType == "BatchNormalization" && bn.domain.isEmpty {
            guard bn.inputs.count == 5, bn.outputs.filter({ !$0.isEmpty }).count == 1,
                  let convIndex = producers[bn.inputs[0]], !removed.contains(convIndex) else { continue }
            let conv = result.nodes[convIndex]
            guard conv.opType == "Conv", conv.domain.isEmpty, readers[conv.outputs[0]] == 1,
                  let weights = result.initializers[conv.inputs[1]], weights.dataType == .float32,
                  let scale = result.initializers[bn.inputs[1]], let shift = result.initializers[bn.inputs[2]],
                  let mean = result.initializers[bn.inputs[3]], let variance = result.initializers[bn.inputs[4]] else { continue }
            let channels = weights.dims.first ?? 0
            guard channels > 0, [scale, shift, mean, variance].allSatisfy({ $0.elementCount == channels }) else { continue }
            let epsilon = (try? bn.float("epsilon", default: 1e-5)) ?? 1e-5
            let oldBias = conv.inputs.count > 2 && !conv.inputs[2].isEmpty ? result.initializers[conv.inputs[2]] : nil
            guard let folded = try? ConvBatchNormFolding.fold(weight: weights, bias: oldBias, scale: scale, offset: shift,
                                                             mean: mean, variance: variance, epsilon: epsilon) else { continue }

            let weightName = "\(conv.inputs[1])_bn_folded_\(convIndex)"
            let biasName = "\(bn.outputs[0])_bn_folded_bias"
            result.initializers[weightName] = folded.weight
            result.initializers[biasName] = folded.bias
            var fused = conv
            fused.inputs = [conv.inputs[0], weightName, biasName]
            fused.outputs = [bn.outputs[0]]
            result.nodes[convIndex] = fused
            removed.insert(bnIndex)
        }
        result.nodes = result.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        return result
    }
}
