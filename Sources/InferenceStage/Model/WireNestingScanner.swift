import COnnxProto

/// Walks protobuf wire data without decoding it, to measure how deeply messages nest before the
/// bytes reach protobuf-c: its parser recurses once per nested message, so a crafted file with
/// millions of levels would overflow the stack. The walk is iterative and follows the generated
/// protobuf-c descriptors, so only fields the schema declares as messages count as nesting
/// (`raw_data` and other bytes fields are skipped, never parsed).
struct WireNestingScanner {
    /// The fields of one message type, as protobuf-c describes them.
    struct Schema {
        let fields: UnsafePointer<ProtobufCFieldDescriptor>
        let count: Int

        init(_ descriptor: ProtobufCMessageDescriptor) {
            fields = descriptor.fields
            count = Int(descriptor.n_fields)
        }

        init?(raw: UnsafeRawPointer?) {
            guard let raw else { return nil }
            self.init(raw.assumingMemoryBound(to: ProtobufCMessageDescriptor.self).pointee)
        }

        /// The schema of the sub-message stored in field `number`, or nil when that field is not
        /// a message (or unknown to the schema).
        func child(field number: UInt64) -> Schema? {
            for index in 0..<count where UInt64(fields[index].id) == number {
                guard fields[index].type == PROTOBUF_C_TYPE_MESSAGE else { return nil }
                return Schema(raw: fields[index].descriptor)
            }
            return nil
        }
    }

    let limit: Int

    /// Returns the deepest nesting found (the root message counts as 1), or throws when it passes
    /// `limit` or the wire data is structurally broken.
    @discardableResult
    func scan(_ bytes: [UInt8], root: Schema) throws(ModelError) -> Int {
        try bytes.withUnsafeBufferPointer { (buffer) throws(ModelError) -> Int in
            try scan(buffer, root: root)
        }
    }

    private func scan(_ bytes: UnsafeBufferPointer<UInt8>, root: Schema) throws(ModelError) -> Int {
        var stack: [(schema: Schema, end: Int)] = [(root, bytes.count)]
        var position = 0
        var deepest = 1
        while let frame = stack.last {
            if position == frame.end {
                stack.removeLast()
                continue
            }
            let tag = try readVarint(bytes, &position, end: frame.end)
            let field = tag >> 3
            guard field != 0 else { throw .malformedProtobuf(reason: "field number 0 at byte \(position)") }
            switch tag & 7 {
            case 0:
                _ = try readVarint(bytes, &position, end: frame.end)
            case 1:
                try skip(8, &position, end: frame.end)
            case 5:
                try skip(4, &position, end: frame.end)
            case 2:
                let length = try readVarint(bytes, &position, end: frame.end)
                guard length <= UInt64(frame.end - position) else {
                    throw .malformedProtobuf(reason: "a field of \(length) bytes at byte \(position) runs past the end of "
                        + "its message (truncated file?)")
                }
                if let child = frame.schema.child(field: field) {
                    let depth = stack.count + 1
                    guard depth <= limit else { throw .nestingTooDeep(depth: depth, limit: limit) }
                    deepest = max(deepest, depth)
                    stack.append((child, position + Int(length)))
                } else {
                    position += Int(length)
                }
            default:
                throw .malformedProtobuf(reason: "unsupported wire type \(tag & 7) at byte \(position)")
            }
        }
        return deepest
    }

    private func readVarint(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, end: Int) throws(ModelError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else {
                throw .malformedProtobuf(reason: "a number is cut off at byte \(position) (truncated file?)")
            }
            guard shift < 64 else { throw .malformedProtobuf(reason: "an over-long number at byte \(position)") }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    private func skip(_ count: Int, _ position: inout Int, end: Int) throws(ModelError) {
        guard end - position >= count else {
            throw .malformedProtobuf(reason: "a fixed-size field is cut off at byte \(position) (truncated file?)")
        }
        position += count
    }
}
