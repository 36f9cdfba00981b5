import Foundation

/// An output opened for appending whole records. Each record goes out in one `write(2)` of
/// the complete line, with no user-space buffering, so a killed run leaves at most one torn
/// last line, which resume detects and cuts off.
final class AppendOnlyFile: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var descriptor: Int32?
    private let ownsDescriptor: Bool

    private init(path: String, descriptor: Int32, ownsDescriptor: Bool) {
        self.path = path
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
    }

    static func standardOutput() -> AppendOnlyFile {
        AppendOnlyFile(path: "-", descriptor: STDOUT_FILENO, ownsDescriptor: false)
    }

    /// Opens `path` for appending; `truncate` starts it empty. Parent folders are created.
    static func open(_ url: URL, truncate: Bool) throws(PipelineError) -> AppendOnlyFile {
        let path = url.path
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .sink(path: path, message: "cannot create its folder: \(ErrorMessage.describe(error))")
        }
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        let descriptor = Foundation.open(path, flags, 0o644)
        guard descriptor >= 0 else { throw .sink(path: path, message: String(cString: strerror(errno))) }
        return AppendOnlyFile(path: path, descriptor: descriptor, ownsDescriptor: true)
    }

    /// Writes `text` (one whole record). A short write is continued; EINTR is retried.
    func write(_ text: String) throws(PipelineError) {
        lock.lock()
        defer { lock.unlock() }
        guard let descriptor else { throw .sink(path: path, message: "the output is already closed") }
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Foundation.write(descriptor, base + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .sink(path: path, message: String(cString: strerror(errno)))
            }
            written += result
        }
        bytes.removeAll()
    }

    func close() throws(PipelineError) {
        lock.lock()
        defer { lock.unlock() }
        guard let descriptor else { return }
        self.descriptor = nil
        if ownsDescriptor, Foundation.close(descriptor) != 0 {
            throw .sink(path: path, message: "close failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// Holds a sink's output between `open` and `close` (stage instances are immutable values).
final class SinkOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var file: AppendOnlyFile?

    func set(_ file: AppendOnlyFile) { lock.withLock { self.file = file } }

    func write(_ text: String) throws(PipelineError) {
        guard let file = lock.withLock({ self.file }) else { throw .sink(path: "?", message: "the sink was not opened") }
        try file.write(text)
    }

    func close() throws(PipelineError) {
        let file = lock.withLock { () -> AppendOnlyFile? in
            defer { self.file = nil }
            return self.file
        }
        try file?.close()
    }
}

/// Cuts a file back to `length` bytes (dropping a torn last record).
func truncateFile(_ url: URL, to length: Int) throws(PipelineError) {
    guard truncate(url.path, off_t(length)) == 0 else {
        throw .sink(path: url.path, message: "cannot truncate the torn last line: \(String(cString: strerror(errno)))")
    }
}

/// Reads an existing output for resume; a missing file means nothing is done yet.
func readExistingOutput(_ url: URL) throws(PipelineError) -> [UInt8]? {
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    do {
        return [UInt8](try Data(contentsOf: url, options: .alwaysMapped))
    } catch {
        throw .sink(path: url.path, message: "cannot read it to resume: \(ErrorMessage.describe(error))")
    }
}
