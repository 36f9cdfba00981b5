import Foundation
@testable import InferenceStage

/// Paths of the files `scripts/make_loader_fixtures.py` writes.
enum Fixtures {
    static let directory: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/onnx").path

    static func path(_ name: String) -> String { directory + "/" + name }

    /// The error loading `name` fails with, or nil when it loads.
    static func loadError(_ name: String, limits: LoaderLimits = LoaderLimits()) -> ModelError? {
        do {
            _ = try ModelLoader.load(path: path(name), limits: limits)
            return nil
        } catch {
            return error
        }
    }

    /// A fresh empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
