import Foundation

/// A strict JSON reader for pipeline files. Unlike `JSONSerialization` it reports line and
/// column for every error, rejects duplicate keys (a silent "last one wins" hides typos), and
/// caps nesting depth and size so a hostile or accidental file cannot exhaust memory or stack.
public enum PipelineJSON {
    public struct Limits: Sendable {
        public var maxDepth: Int
        public var maxBytes: Int

        public init(maxDepth: Int = 64, maxBytes: Int = 4 << 20) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }
    }

    public static func parse(_ text: String, limits: Limits = Limits(), file: String? = nil) throws(PipelineJSONError) -> JSONNode {
        try parse(bytes: Array(text.utf8), limits: limits, file: file)
    }

    public static func parse(bytes: [UInt8], limits: Limits = Limits(), file: String? = nil) throws(PipelineJSONError) -> JSONNode {
        guard bytes.count <= limits.maxBytes else {
            throw .tooLarge(bytes: bytes.count, limit: limits.maxBytes, file: file)
        }
        var parser = JSONParser(bytes: bytes, maxDepth: limits.maxDepth, file: file)
        return try parser.parseDocument()
    }

    /// Reads and parses a file; the size is checked before the file is read into memory.
    public static func parse(contentsOf url: URL, limits: Limits = Limits()) throws(PipelineJSONError) -> JSONNode {
        let path = url.path
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw .unreadable(file: path, reason: Self.reason(error))
        }
        guard size <= limits.maxBytes else { throw .tooLarge(bytes: size, limit: limits.maxBytes, file: path) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: path, reason: Self.reason(error))
        }
        return try parse(bytes: [UInt8](data), limits: limits, file: path)
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError || nsError.code == NSFileNoSuchFileError {
            return "no such file"
        }
        return nsError.localizedDescription
    }
}
