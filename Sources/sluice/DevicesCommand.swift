import ArgumentParser
import Foundation
import GPUCore

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List Vulkan devices and the features Sluice uses.",
        discussion: """
            Prints every physical device with its index (for --device), kind, driver, fp16/int8
            support, 8/16-bit storage, subgroup size, workgroup limits, cooperative-matrix (tensor
            core) shapes and memory heaps.

            Example: sluice devices --json | python3 -m json.tool
            """)

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        logging.bootstrap()
        let devices = try GPUContext.availableDevices()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(devices), as: UTF8.self))
            return
        }
        if devices.isEmpty { print("No Vulkan devices found."); return }
        for caps in devices { print(DeviceReport.text(caps)) }
    }
}

enum DeviceReport {
    static func text(_ c: DeviceCapabilities) -> String {
        func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }
        var lines = [
            "[\(c.index)] \(c.name)  (\(c.kind.rawValue), Vulkan \(c.apiVersion))",
            "    driver:            \(c.driverName) \(c.driverInfo)",
            "    fp16 arithmetic:   \(yesNo(c.shaderFloat16))    int8: \(yesNo(c.shaderInt8))    int64: \(yesNo(c.shaderInt64))",
            "    16-bit storage:    \(yesNo(c.storageBuffer16Bit))    8-bit storage: \(yesNo(c.storageBuffer8Bit))",
            "    subgroup size:     \(c.subgroupSize)  (arithmetic ops: \(yesNo(c.subgroupArithmetic)))",
            "    workgroup:         \(c.maxWorkgroupInvocations) invocations, size \(c.maxWorkgroupSize.map(String.init).joined(separator: "x")), shared memory \(c.maxSharedMemoryBytes / 1024) KiB",
            "    timestamps:        \(c.timestampsSupported ? "yes (\(c.timestampPeriodNanoseconds) ns/tick)" : "no")",
            "    push descriptors:  \(yesNo(c.pushDescriptors))    memory budget: \(yesNo(c.memoryBudget))    robust buffer access: \(yesNo(c.robustBufferAccess))",
        ]
        if c.cooperativeMatrixShapes.isEmpty {
            lines.append("    cooperative matrix: none")
        } else {
            lines.append("    cooperative matrix: \(c.cooperativeMatrixShapes.count) shapes")
            for shape in c.cooperativeMatrixShapes { lines.append("        \(shape)") }
        }
        for heap in c.memoryHeaps {
            var flags: [String] = []
            if heap.deviceLocal { flags.append("device-local") }
            if heap.hostVisible { flags.append("host-visible") }
            let budget = heap.budgetBytes.map { ", budget \(gib($0))" } ?? ""
            lines.append("    heap \(heap.index):            \(gib(heap.bytes)) \(flags.joined(separator: "+"))\(budget)")
        }
        return lines.joined(separator: "\n")
    }

    static func gib(_ bytes: UInt64) -> String { String(format: "%.1f GiB", Double(bytes) / 1_073_741_824) }
}
