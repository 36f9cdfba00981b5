import COnnxProto

/// Copies out of protobuf-c's `(count, pointer)` pairs; a nil pointer with a zero count is the
/// usual empty case.
enum CArray {
    static func values<T>(_ pointer: UnsafeMutablePointer<T>?, _ count: Int) -> [T] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    static func messages<T>(_ pointer: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?, _ count: Int) -> [UnsafeMutablePointer<T>] {
        values(pointer, count).compactMap { $0 }
    }
}

enum CString {
    static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    static func string(_ data: ProtobufCBinaryData) -> String {
        guard let bytes = data.data, data.len > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: data.len), as: UTF8.self)
    }
}
