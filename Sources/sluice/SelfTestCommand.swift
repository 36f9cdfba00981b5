import ArgumentParser
import Foundation
import GPUCore

struct SelfTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Run a few kernels on a device and compare them with the CPU.",
        discussion: """
            Fill, axpy (with a barrier between two dispatches), a tree reduction, and float16
            conversions (packed, and native 16-bit storage where the device has it), each checked
            against the same computation on the CPU. Exits non-zero if any check fails.

            Examples:
              sluice selftest                    # the default (most capable) device
              sluice selftest --device llvmpipe  # the CPU implementation
              sluice selftest --validation       # also fail on validation-layer messages
            """)

    @OptionGroup var deviceOptions: DeviceOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Elements per check.")
    var count = 1 << 20 | 37

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        logging.bootstrap()
        let context = try GPUContext(selection: deviceOptions.selection)
        let checks = SelfTest(context: context, count: count).run()
        let validationMessages = context.validation?.drain() ?? []
        let failed = checks.filter { !$0.passed }.count
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(checks), as: UTF8.self))
        } else {
            print("Self-test on [\(context.capabilities.index)] \(context.capabilities.name):")
            for check in checks {
                print("  \(check.passed ? "PASS" : "FAIL")  \(check.name.padding(toLength: 40, withPad: " ", startingAt: 0)) \(String(format: "%8.1f ms", check.milliseconds))  \(check.detail)")
            }
            if !validationMessages.isEmpty {
                print("  validation layer reported \(validationMessages.count) message(s):")
                validationMessages.prefix(10).forEach { print("    \($0)") }
            }
            print("\(checks.count - failed) of \(checks.count) checks passed")
        }
        if failed > 0 || !validationMessages.isEmpty { throw ExitCode(1) }
    }
}
