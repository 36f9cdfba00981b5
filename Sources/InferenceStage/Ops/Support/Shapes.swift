/// Index arithmetic shared by CPU references and GPU push-constant setup.
public enum Shapes {
    /// Row-major strides in elements.
    public static func strides(_ dims: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: dims.count)
        var running = 1
        for i in stride(from: dims.count - 1, through: 0, by: -1) {
            strides[i] = running
            running *= dims[i]
        }
        return strides
    }

    /// numpy broadcasting of two shapes, or nil when they are incompatible.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else { return nil }
        }
        return out
    }

    public static func broadcast(_ shapes: [[Int]]) -> [Int]? {
        shapes.dropFirst().reduce(Optional(shapes.first ?? [])) { acc, s in acc.flatMap { broadcast($0, s) } }
    }

    /// Strides for reading `shape` as if broadcast to `target` (0 along broadcast axes).
    public static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
        let own = strides(padded)
        return zip(padded, own).map { $0.0 == 1 ? 0 : $0.1 }
    }

    /// For every output element (row-major over `dims`), the source offset Σ index·stride.
    public static func offsets(dims: [Int], strides: [Int], base: Int = 0) -> [Int] {
        let count = dims.reduce(1, *)
        guard count > 0 else { return [] }
        var result = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: dims.count)
        var offset = base
        for i in 0..<count {
            result[i] = offset
            var d = dims.count - 1
            while d >= 0 {
                index[d] += 1
                offset += strides[d]
                if index[d] < dims[d] { break }
                offset -= strides[d] * dims[d]
                index[d] = 0
                d -= 1
            }
        }
        return result
    }

    /// A negative axis counts from the end (ONNX); throws when out of range.
    public static func normalizeAxis(_ axis: Int, rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < max(rank, 1) else {
            throw OperatorError.invalid("axis \(axis) is out of range for rank \(rank)")
        }
        return a
    }
}
