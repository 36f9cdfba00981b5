import GPUCore

/// A decoded image in memory that shaders read directly (see `GPUContext.makeStagingBuffer`):
/// packed RGB bytes, `width`×`height`×3.
public struct StagedImage: Sendable {
    public let width: Int
    public let height: Int
    public let buffer: GPUBuffer
    public let source: String
}

/// A batch of same-shaped tensors in one GPU buffer, `count` × `itemDims` of `dataType`.
/// Holds the tensor that owns the buffer (if any) so the memory lives as long as any slot.
public final class GPUBatch: @unchecked Sendable {
    public let buffer: GPUBuffer
    public let dataType: DataType
    public let itemDims: [Int]
    public let count: Int
    let owner: Tensor?

    public init(buffer: GPUBuffer, dataType: DataType, itemDims: [Int], count: Int, owner: Tensor? = nil) {
        self.buffer = buffer
        self.dataType = dataType
        self.itemDims = itemDims
        self.count = count
        self.owner = owner
    }

    public var itemBytes: Int { (ShapeMath.byteCount(itemDims, dataType) ?? 0) }
}

/// One item's tensor: slot `slot` of a batch on the GPU. Stages that receive the slots of one
/// batch in order use the batch buffer as it is; others gather slots with GPU copies.
public struct TensorSlot: Sendable {
    public let batch: GPUBatch
    public let slot: Int

    public init(batch: GPUBatch, slot: Int) {
        self.batch = batch
        self.slot = slot
    }

    /// The batch buffer with `slots` in order as one tensor, or a gathered copy when the slots
    /// come from several batches or not in order.
    static func contiguous(_ slots: [TensorSlot], context: GPUContext) async throws -> GPUBuffer {
        guard let first = slots.first else { throw StageValueError.emptyBatch }
        for slot in slots where slot.batch.itemDims != first.batch.itemDims || slot.batch.dataType != first.batch.dataType {
            throw StageValueError.mixedShapes(first.batch.itemDims, slot.batch.itemDims)
        }
        if slots.enumerated().allSatisfy({ $0.element.batch === first.batch && $0.element.slot == $0.offset }) {
            return first.batch.buffer
        }
        let bytes = first.batch.itemBytes
        let gathered = try context.makePooledBuffer(size: max(bytes * slots.count, 4), label: "gathered batch")
        let stream = try CommandStream(context: context, label: "gather slots")
        for (i, slot) in slots.enumerated() {
            try stream.copy(from: slot.batch.buffer, sourceOffset: slot.slot * bytes, to: gathered, destinationOffset: i * bytes, bytes: bytes)
        }
        try await stream.submit().completion()
        return gathered
    }
}

public enum StageValueError: Error, LocalizedError, Equatable {
    case emptyBatch
    case mixedShapes([Int], [Int])

    public var errorDescription: String? {
        switch self {
        case .emptyBatch: return "empty batch"
        case let .mixedShapes(a, b): return "items of one batch have different shapes: \(a) and \(b)"
        }
    }
}

import Foundation
