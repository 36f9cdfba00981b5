import Foundation

/// A file found by `source.files`; downstream stages read it, and as a final value it
/// records its path and size.
public struct FileItem: Sendable, Equatable, RecordConvertible {
    public let url: URL
    public let bytes: Int

    public var recordFields: JSONObject { ["path": .string(url.path), "bytes": .number(Double(bytes))] }
}

/// `source.files`: the files under a folder (or listed in a text file), sorted by path so the
/// order, the indices and `--shard` are the same on every machine.
public struct FileListSource: SourceStage {
    public struct Options: StageOptions, Equatable {
        /// A folder to walk, or a text file with one path per line (relative to that file).
        public var path: String
        /// Lowercase extensions to keep, without the dot; all files when absent.
        public var extensions: [String]?
        public var recursive: Bool?

        public static var schema: JSONSchemaNode {
            .object("Which files to list.", [
                .init("path", .path("A folder to list, a glob pattern (photos/*.jpg), or a text file with one path per line"), required: true),
                .init("extensions", .array(of: .string("An extension without the dot, e.g. \"jpg\"."), "Keep only files with these extensions (case-insensitive); all files when absent.")),
                .init("recursive", .boolean("Descend into subfolders.", default: true)),
            ])
        }
    }

    public static let typeName = "source.files"
    public static let summary = "Lists files under a folder, or the paths in a list file, in sorted order."
    public static let outputPorts = [PortSpec("files", kind: "file", description: "One file per item.")]

    /// Catches a missing input folder at validation time, before any GPU work starts.
    public static func checkConnections(options: Options, context: StageCheckContext) -> [StageIssue] {
        let url = context.paths.resolve(options.path)
        guard Self.isPattern(url.path) || FileManager.default.fileExists(atPath: url.path) else {
            return [StageIssue(path: ["options", "path"], "\(url.path) does not exist",
                               hint: "relative paths start at the pipeline file's folder")]
        }
        return []
    }

    let root: URL
    let extensions: Set<String>?
    let recursive: Bool

    public init(options: Options, context: StageContext) {
        root = context.paths.resolve(options.path)
        extensions = options.extensions.map { Set($0.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }) }
        recursive = options.recursive ?? true
    }

    public func produce(into emitter: SourceEmitter) async throws {
        let files = try list()
        emitter.announce(total: files.count)
        for file in files {
            let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
            if let size = (attributes?[.size] as? NSNumber)?.intValue {
                try await emitter.emit(sourceID: file.path, value: FileItem(url: file, bytes: size))
            } else {
                try await emitter.emitFailure(sourceID: file.path, message: "cannot read \(file.path): no such file or not accessible")
            }
        }
    }

    /// A path with `*`, `?` or `[` is a glob pattern (glob(3), relative to the pipeline file).
    static func isPattern(_ path: String) -> Bool { path.contains { "*?[".contains($0) } }

    func list() throws(FileListError) -> [URL] {
        if Self.isPattern(root.path) {
            return try Self.expand(root.path)
                .filter { extensions?.contains($0.pathExtension.lowercased()) ?? true }
                .sorted { $0.path < $1.path }
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder) else { throw .missing(root.path) }
        let candidates: [URL]
        if isFolder.boolValue {
            candidates = try walk(root)
        } else {
            candidates = try readList(root)
        }
        return candidates
            .filter { extensions?.contains($0.pathExtension.lowercased()) ?? true }
            .sorted { $0.path < $1.path }
    }

    /// Files matching a glob pattern (folders are skipped; no match is an empty listing).
    static func expand(_ pattern: String) throws(FileListError) -> [URL] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = glob(pattern, 0, nil, &result)
        if status == GLOB_NOMATCH { return [] }
        guard status == 0 else { throw .unreadable(pattern, "glob failed (\(status))") }
        var files: [URL] = []
        for i in 0..<Int(result.gl_pathc) {
            guard let cString = result.gl_pathv[i] else { continue }
            let path = String(cString: cString)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                files.append(URL(fileURLWithPath: path).standardizedFileURL)
            }
        }
        return files
    }

    private func walk(_ folder: URL) throws(FileListError) -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw .unreadable(folder.path, ErrorMessage.describe(error))
        }
        var files: [URL] = []
        for name in names where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                if recursive { files += try walk(url) }
            } else {
                files.append(url.standardizedFileURL)
            }
        }
        return files
    }

    private func readList(_ file: URL) throws(FileListError) -> [URL] {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw .unreadable(file.path, ErrorMessage.describe(error))
        }
        let paths = PipelinePaths(pipelineFile: file)
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { paths.resolve($0) }
    }
}

public enum FileListError: Error, Equatable, LocalizedError {
    case missing(String)
    case unreadable(String, String)

    public var errorDescription: String? {
        switch self {
        case .missing(let path): "\(path) does not exist; check source.files' \"path\" (relative paths start at the pipeline file's folder)"
        case let .unreadable(path, reason): "cannot list \(path): \(reason)"
        }
    }
}

extension StageRegistry {
    /// The stage types this module provides: `source.files`, `sink.jsonl` and `sink.csv`.
    public mutating func registerBuiltIns() {
        register(FileListSource.self)
        registerBuiltInSinks()
    }
}
