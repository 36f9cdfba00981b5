import Foundation
import Testing
@testable import Pipeline

/// Regressions found while fuzzing the pipeline JSON reader and validator (Fuzz/FuzzPipelineJSON,
/// docs/RELIABILITY.md). Validation looked stages up by name with a linear search inside the
/// topological sort's comparator, the cycle report and the semantic checks, so its time grew with
/// the cube of the stage count: a 2000-stage file took minutes and a file at the parser's 4 MB cap
/// would have run for hours. Each test would take minutes with that code; the bound leaves room
/// for a loaded machine and sanitizers (they took 7–13 s each under ASan here).
struct RegressionPipelineValidatorTests {
    static let bound: Duration = .seconds(60)
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/regressions/pipeline-long-chain.json")

    /// `count` stages named s1...scount, each reading the one before (s1 reads `first`).
    private static func chain(_ count: Int, first: String, type: String = "test.square") -> [String] {
        (1...count).map { index in
            let upstream = index == 1 ? first : "s\(index - 1)"
            return #"{"name": "s\#(index)", "type": "\#(type)", "inputs": {"in": "\#(upstream)"}}"#
        }
    }

    private static func json(_ stages: [String]) -> String {
        "{\"stages\": [\n" + stages.joined(separator: ",\n") + "\n]}"
    }

    @Test func aLongChainListedBackwardsResolvesInDataflowOrder() throws {
        let text = try String(contentsOf: Self.fixture, encoding: .utf8)
        let clock = ContinuousClock()
        var resolved: ResolvedPipeline?
        let elapsed = try clock.measure { resolved = try resolve(text) }
        let stages = try #require(resolved).stages.map(\.name)
        #expect(stages.count == 2001)
        #expect(stages.first == "src")
        #expect(Array(stages.prefix(4)) == ["src", "s1", "s2", "s3"])
        #expect(stages.last == "s2000")
        #expect(elapsed < Self.bound, "validating 2001 stages took \(elapsed)")
    }

    @Test func manyUnknownReferencesAreAllReportedButOnlyTheFirstGetHints() throws {
        let count = 2000
        let source = #"{"name": "src", "type": "test.numbers", "options": {"count": 3}}"#
        let broken = (1...count).map { #"{"name": "b\#($0)", "type": "test.square", "inputs": {"in": "missing\#($0)"}}"# }
        let clock = ContinuousClock()
        var found: [String] = []
        let elapsed = try clock.measure { found = try issues(Self.json([source] + broken)) }
        let unknown = found.filter { $0.contains(": no stage named \"missing") }
        #expect(unknown.count == count)
        let hinted = unknown.filter { $0.contains("(stages are: src, ") }
        #expect(hinted.count == PipelineValidator.maxReferenceHints)
        #expect(unknown[0].hasPrefix(#"stages[1].inputs.in: no stage named "missing1" (stages are: src, b2, b3"#))
        #expect(unknown[count - 1] == #"stages[2000].inputs.in: no stage named "missing2000""#)
        #expect(elapsed < Self.bound, "validating \(count) bad references took \(elapsed)")
    }

    @Test func aCycleWithALongChainDownstreamIsReportedOnce() throws {
        // c1 -> c2 -> c1 is the cycle; s1...s2000 hang off it, so Kahn's leftovers are 2002
        // stages and the pruning has to peel the whole chain away before walking the cycle.
        let source = #"{"name": "src", "type": "test.numbers", "options": {"count": 3}}"#
        let cycle = [
            #"{"name": "c1", "type": "test.add", "inputs": {"a": "src", "b": "c2"}}"#,
            #"{"name": "c2", "type": "test.square", "inputs": {"in": "c1"}}"#,
        ]
        let stages = [source] + cycle + Self.chain(2000, first: "c2").reversed()
        let clock = ContinuousClock()
        var found: [String] = []
        let elapsed = try clock.measure { found = try issues(Self.json(stages)) }
        let cycles = found.filter { $0.contains("cycle in the stage graph") }
        #expect(cycles.count == 1)
        #expect(cycles.first?.contains("c1 → c2 → c1") == true)
        #expect(elapsed < Self.bound, "validating a cycle with 2000 stages downstream took \(elapsed)")
    }
}
