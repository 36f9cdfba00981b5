/// Streams one row's text while watching for stop strings: text that could still grow into a
/// stop string is held back, and a match ends the row with the text before it.
public struct StopStringFilter: Sendable {
    public let stopStrings: [String]
    /// All text accepted so far (stop string and what follows it excluded).
    public private(set) var text = ""
    private var emitted = 0   // characters of `text` already handed out
    public private(set) var stopped = false

    public init(stopStrings: [String]) {
        self.stopStrings = stopStrings.filter { !$0.isEmpty }
    }

    /// Adds decoded text; returns what is safe to show now.
    public mutating func append(_ chunk: String) -> String {
        guard !stopped else { return "" }
        text += chunk
        if let cut = stopStrings.compactMap({ text.range(of: $0)?.lowerBound }).min() {
            text = String(text[..<cut])
            stopped = true
            return takeAll()
        }
        // Hold back the longest tail that is a proper prefix of a stop string.
        var hold = 0
        for stop in stopStrings {
            for length in stride(from: min(stop.count - 1, text.count), to: 0, by: -1) where text.hasSuffix(stop.prefix(length)) {
                hold = max(hold, length)
                break
            }
        }
        let ready = text.count - hold
        guard ready > emitted else { return "" }
        let start = text.index(text.startIndex, offsetBy: emitted), end = text.index(text.startIndex, offsetBy: ready)
        emitted = ready
        return String(text[start..<end])
    }

    /// The held-back text, once the row has ended for another reason.
    public mutating func finish() -> String { takeAll() }

    private mutating func takeAll() -> String {
        let start = text.index(text.startIndex, offsetBy: min(emitted, text.count))
        emitted = text.count
        return String(text[start...])
    }
}
