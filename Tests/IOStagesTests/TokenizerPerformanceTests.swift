import Foundation
import Testing

@testable import IOStages

@Suite struct TokenizerPerformanceTests {
    /// About 1 MB of text with the statistics of prose: words drawn from a lexicon of 20,000 with
    /// Zipf's law (so the cache sees both repeats and a long tail of rare words), punctuation,
    /// numbers, line breaks and some non-ASCII.
    private func megabyteOfText() -> String {
        var generator = SeededGenerator(seed: 1611)
        let letters = Array("etaoinshrdlucmfwypvbgkjqxz")
        let lexicon: [String] = (0..<20_000).map { _ in
            let length = Int.random(in: 1...12, using: &generator)
            // Skewed letter choice: frequent letters dominate, as in English.
            return String((0..<length).map { _ in
                letters[Int(Double(letters.count) * pow(Double.random(in: 0..<1, using: &generator), 2))]
            })
        }
        // Zipf: the word of rank r has weight 1/r; sample by inverting the cumulative weights.
        var cumulative: [Double] = []
        var total = 0.0
        for rank in 1...lexicon.count {
            total += 1 / Double(rank)
            cumulative.append(total)
        }
        let extras = ["é", "über", "Straße", "中文", "\u{1F600}", "ça", "naïve"]
        let punctuation = [",", ".", ";", ":", "!", "?", "'s", "'ll", " (", ")"]
        var text = ""
        text.reserveCapacity(1_100_000)
        while text.utf8.count < 1_000_000 {
            let target = Double.random(in: 0..<total, using: &generator)
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < target { low = middle + 1 } else { high = middle }
            }
            text += lexicon[low]
            switch Int.random(in: 0..<100, using: &generator) {
            case 0..<8: text += punctuation.randomElement(using: &generator) ?? ","
            case 8..<10: text += " \(Int.random(in: 0..<10_000, using: &generator))"
            case 10..<11: text += " " + (extras.randomElement(using: &generator) ?? "é")
            case 11..<13: text += "\n"
            default: break
            }
            text += " "
        }
        return text
    }

    @Test func encodingAMegabyteIsFastAndRoundTrips() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        let text = megabyteOfText()
        let clock = ContinuousClock()
        var ids: [Int32] = []
        let elapsed = clock.measure { ids = tokenizer.encode(text) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("BPETokenizer.encode: \(text.utf8.count) bytes -> \(ids.count) tokens in \(String(format: "%.3f", seconds)) s")
        #expect(ids.count > 100_000)
        #expect(try tokenizer.decode(ids) == text)
        // A generous bound that holds for unoptimised debug builds on a shared 2-core machine;
        // release builds take a small fraction of it.
        #expect(seconds < 20)
    }
}
