#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads tensor bytes that a model keeps in files beside it (`data_location: EXTERNAL`). A model
/// is untrusted, so every location must stay inside the model's directory: absolute paths are
/// refused, and the path is canonicalised (resolving `..` and symlinks) before the check. Hard
/// links cannot be told apart from the original, so a file with more than one link is refused.
struct ExternalDataReader {
    /// The model directory as given, for messages.
    let baseDirectory: String
    /// The same directory with symlinks resolved; locations must resolve below it.
    let canonicalBase: String

    init(baseDirectory: String) throws(ModelError) {
        guard let resolved = Self.realPath(baseDirectory) else {
            throw .fileUnreadable(path: baseDirectory, reason: "model directory: \(FileBytes.errnoText())")
        }
        self.baseDirectory = baseDirectory
        self.canonicalBase = resolved
    }

    /// The bytes of one tensor. `byteCount` is what the tensor's dims and type need; a declared
    /// `length` must agree with it.
    func read(location: String, offset: Int, length: Int?, byteCount: Int, tensor: String) throws(ModelError) -> [UInt8] {
        func failure(_ reason: String) -> ModelError { .externalData(tensor: tensor, location: location, reason: reason) }

        guard !location.isEmpty else { throw failure("the location is empty") }
        guard !location.hasPrefix("/") else {
            throw failure("absolute paths are not allowed; external data must sit in the model's directory")
        }
        let joined = baseDirectory.hasSuffix("/") ? baseDirectory + location : baseDirectory + "/" + location
        guard let resolved = Self.realPath(joined) else {
            throw failure("cannot open '\(joined)': \(FileBytes.errnoText())")
        }
        let prefix = canonicalBase.hasSuffix("/") ? canonicalBase : canonicalBase + "/"
        guard resolved.hasPrefix(prefix) else {
            throw failure("resolves to '\(resolved)', outside the model directory '\(canonicalBase)'")
        }
        if let length, length != byteCount {
            throw failure("declares length \(length) but the tensor's dims and type need \(byteCount) bytes")
        }

        let fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw failure("cannot open '\(resolved)': \(FileBytes.errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot stat '\(resolved)': \(FileBytes.errnoText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw failure("'\(resolved)' is not a regular file") }
        guard info.st_nlink <= 1 else {
            throw failure("'\(resolved)' has \(info.st_nlink) hard links, so it may be a file from outside the model "
                + "directory; copy the data into a file of its own")
        }
        let fileSize = Int(info.st_size)
        let (end, overflow) = offset.addingReportingOverflow(byteCount)
        guard offset >= 0, !overflow, end <= fileSize else {
            throw failure("offset \(offset) + length \(byteCount) runs past the end of the file (\(fileSize) bytes)")
        }
        return try FileBytes.readRange(fd: fd, offset: offset, count: byteCount, path: resolved)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
