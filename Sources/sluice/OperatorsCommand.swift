import ArgumentParser
import InferenceStage

struct OperatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operators",
        abstract: "List the ONNX operators Sluice runs, their opsets, types and GPU coverage.",
        discussion: "`sluice operators --markdown > docs/operators.md` regenerates the coverage table (a test checks it is current).")

    @Flag(help: "Print the Markdown table used for docs/operators.md.")
    var markdown = false

    func run() {
        print(markdown ? OperatorTable.markdown() : OperatorTable.text())
    }
}
