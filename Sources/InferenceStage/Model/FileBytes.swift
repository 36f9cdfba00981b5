#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file and ranged reads through POSIX calls, so the size is checked on the open
/// descriptor before any byte is read (a limit check on a path could race with a swap of the file).
enum FileBytes {
    /// Reads all of `path`, refusing files over `limit` bytes.
    static func read(path: String, limit: Int) throws(ModelError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .fileUnreadable(path: path, reason: errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .fileUnreadable(path: path, reason: errnoText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .fileUnreadable(path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        guard size <= limit else { throw .modelTooLarge(path: path, bytes: size, limit: limit) }
        return try readRange(fd: fd, offset: 0, count: size, path: path)
    }

    /// Reads exactly `count` bytes at `offset` of an open descriptor.
    static func readRange(fd: Int32, offset: Int, count: Int, path: String) throws(ModelError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return pread(fd, base + done, count - done, off_t(offset + done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .fileUnreadable(path: path, reason: errnoText())
            }
            if got == 0 {
                throw .fileUnreadable(path: path, reason: "file ended after \(offset + done) bytes while reading")
            }
            done += got
        }
        return bytes
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
