import Testing
@testable import GPUCore

@Suite struct DeviceSelectionTests {
    @Test func enumeratesLavapipeWithItsFeatures() throws {
        let devices = try GPUContext.availableDevices()
        let cpu = try #require(devices.first { $0.kind == .cpu })
        #expect(cpu.name.contains("llvmpipe"))
        #expect(cpu.subgroupSize >= 4)
        #expect(cpu.maxWorkgroupInvocations >= 256)
        #expect(cpu.pushDescriptors)
        #expect(!cpu.memoryHeaps.isEmpty)
    }

    @Test func selectsByNameIndexAndFallback() throws {
        let byName = try GPUContext(selection: DeviceSelection(nameContains: "LLVMPIPE"))
        #expect(byName.capabilities.name.contains("llvmpipe"))
        let fallback = try GPUContext(selection: DeviceSelection(forceFallbackAdapter: true))
        #expect(fallback.capabilities.kind == .cpu)
        let byIndex = try GPUContext(selection: DeviceSelection(index: fallback.capabilities.index))
        #expect(byIndex.capabilities.index == fallback.capabilities.index)
    }

    @Test func unknownDeviceListsTheAvailableOnes() {
        do {
            _ = try GPUContext(selection: DeviceSelection(nameContains: "no-such-gpu"))
            Issue.record("should fail")
        } catch {
            let text = error.localizedDescription
            #expect(text.contains("name containing \"no-such-gpu\""))
            #expect(text.contains("llvmpipe"))
        }
    }

    @Test func powerPreferenceRanksKinds() {
        #expect(DeviceKind.discrete.rank(for: .highPerformance) < DeviceKind.integrated.rank(for: .highPerformance))
        #expect(DeviceKind.integrated.rank(for: .lowPower) < DeviceKind.discrete.rank(for: .lowPower))
        #expect(DeviceKind.cpu.rank(for: .lowPower) > DeviceKind.virtual.rank(for: .lowPower))
    }

    @Test func selfTestPassesWithTheValidationLayerOn() throws {
        let checks = SelfTest(context: TestGPU.context, count: 100_003).run()
        #expect(checks.count >= 4)
        for check in checks { #expect(check.passed, "\(check.name): \(check.detail)") }
        TestGPU.expectNoValidationMessages()
    }
}
