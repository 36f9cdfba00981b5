import GPUCore

/// Softmax + top-k over rows of logits on the GPU; only k indices and scores per row come back.
public struct TopK: Sendable {
    public static let maxK = 64
    public let k: Int
    public let applySoftmax: Bool
    static let shader = ShaderSource(name: "topk.comp", bytes: PackageResources.topk_comp)

    public init(k: Int, applySoftmax: Bool = true) throws(TopKError) {
        guard (1...Self.maxK).contains(k) else { throw .invalidK(k) }
        self.k = k
        self.applySoftmax = applySoftmax
    }

    public struct Entry: Sendable, Equatable, Codable {
        public let index: Int
        public let score: Float
    }

    /// Records top-k of `rows` rows of `classes` float32 values in `logits` into `indices`
    /// (rows·k int32) and `scores` (rows·k float32).
    public func encode(into stream: CommandStream, logits: GPUBuffer, rows: Int, classes: Int,
                       indices: GPUBuffer, scores: GPUBuffer) throws {
        guard k <= classes else { throw TopKError.kExceedsClasses(k: k, classes: classes) }
        guard logits.size >= rows * classes * 4, indices.size >= rows * k * 4, scores.size >= rows * k * 4 else {
            throw TopKError.bufferTooSmall
        }
        let kernel = try stream.context.shaders.kernel(Self.shader, bindings: 3, pushConstantBytes: 12)
        try stream.dispatch(kernel, [.read(logits), .write(indices), .write(scores)],
                            push: PushConstants([UInt32(classes), UInt32(k), applySoftmax ? 1 : 0]), groups: (rows, 1, 1), label: "top-k")
    }

    /// CPU reference: stable (ties → lower index) top-k, softmax with the row max subtracted.
    public func reference(_ logits: [Float], classes: Int) -> [[Entry]] {
        stride(from: 0, to: logits.count, by: classes).map { start in
            let row = Array(logits[start..<start + classes])
            let maxValue = row.max() ?? 0
            let sum = row.reduce(Float(0)) { $0 + exp($1 - maxValue) }
            let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
            return order.prefix(k).map { Entry(index: $0, score: applySoftmax ? exp(row[$0] - maxValue) / sum : row[$0]) }
        }
    }
}

public enum TopKError: Error, LocalizedError, Equatable {
    case invalidK(Int)
    case kExceedsClasses(k: Int, classes: Int)
    case bufferTooSmall

    public var errorDescription: String? {
        switch self {
        case .invalidK(let k): return "top-k: k must be in 1...\(TopK.maxK), got \(k)"
        case let .kExceedsClasses(k, classes): return "top-k: k (\(k)) exceeds the number of classes (\(classes))"
        case .bufferTooSmall: return "top-k: a buffer is smaller than rows × classes (or rows × k)"
        }
    }
}

import Foundation
