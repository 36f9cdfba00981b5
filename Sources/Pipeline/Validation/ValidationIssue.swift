/// One problem found in a pipeline, pointing at the JSON path (and source position when
/// known) with a hint on how to fix it. `description` is what `sluice validate` prints.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    public var path: JSONPath
    public var message: String
    public var hint: String?
    public var location: SourceLocation?

    public init(path: JSONPath, message: String, hint: String? = nil, location: SourceLocation? = nil) {
        self.path = path
        self.message = message
        self.hint = hint
        self.location = location
    }

    /// `stages[3].inputs.images: no stage named "pre" (stages are: src, decode)`
    public var description: String {
        "\(path): \(message)" + (hint.map { " (\($0))" } ?? "")
    }

    /// The description prefixed by `file:line:column:` the way compilers print, so editors
    /// can jump to it.
    public func formatted(file: String?) -> String {
        var prefix = file.map { "\($0):" } ?? ""
        if let location { prefix += "\(location.line):\(location.column):" }
        return prefix.isEmpty ? description : "\(prefix) \(description)"
    }
}

/// Names for hints: `"a", "b" or "c"` style lists and "did you mean" suggestions.
enum Suggest {
    static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    /// ` (did you mean "x"?)`-style text for the closest candidates, or nil when none is close.
    static func didYouMean(_ name: String, among candidates: [String]) -> String? {
        let close = EditDistance.nearest(to: name, in: candidates)
        guard !close.isEmpty else { return nil }
        return "did you mean " + close.map { "\"\($0)\"" }.joined(separator: " or ") + "?"
    }
}
