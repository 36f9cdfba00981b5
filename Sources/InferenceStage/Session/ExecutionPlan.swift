import GPUCore
import Logging

/// Everything decided for one set of input shapes: each value's spec, which values are known
/// before running (initializers and everything computed from them and from shapes — "host
/// folding"), which node runs where, and which GPU memory each value lives in.
final class ExecutionPlan: @unchecked Sendable {
    enum ValueKind: Equatable { case input, constant, computed }

    struct Value {
        let name: String
        let spec: TensorSpec
        var kind: ValueKind
        var constant: TensorData?
        /// Producing step (computed values).
        var producer: Int?
        /// Alias chains end at the value whose memory they share.
        var aliasOf: Int?
        /// Computed when planning (depends on input shapes), unlike initializers.
        var folded = false
    }

    /// Distinguishes this plan's folded constants from another plan's in shared caches.
    let id = ExecutionPlan.nextID.withLock { $0 += 1; return $0 }
    private static let nextID = Locked(0)

    enum Placement: String { case gpu, cpu, alias }

    struct Step {
        let node: CompiledGraph.CompiledNode
        let placement: Placement
        let inputs: [Int?]
        /// Value ids of the node's outputs; nil where the node does not name that output.
        let outputs: [Int?]
        let outputSpecs: [TensorSpec]
        let constants: [TensorData?]
    }

    /// Where a GPU-resident value's bytes live during a run.
    enum Storage: Equatable {
        case slot(Int)
        case output(String)
        case input(String)
        case constant(Int)
    }

    private(set) var values: [Value] = []
    private(set) var valueIDs: [String: Int] = [:]
    private(set) var steps: [Step] = []
    private(set) var storage: [Int: Storage] = [:]
    private(set) var slotSizes: [Int] = []
    /// Nodes the GPU declined, with reasons (logged once when the plan is made).
    private(set) var fallbacks: [(node: String, reason: String)] = []
    let outputNames: [String]

    var allOnGPU: Bool { steps.allSatisfy { $0.placement != .cpu } }

    init(graph compiled: CompiledGraph, inputSpecs: [String: TensorSpec], useGPU: Bool,
         device: DeviceCapabilities?, logger: Logger) throws {
        let graph = compiled.graph
        outputNames = graph.outputs.map(\.name)
        for (name, data) in graph.initializers where inputSpecs[name] == nil {
            add(Value(name: name, spec: TensorSpec(data.dataType, data.dims), kind: .constant, constant: data))
        }
        for input in graph.inputs {
            guard let spec = inputSpecs[input.name] else { continue }
            add(Value(name: input.name, spec: spec, kind: spec.isZeroSized ? .constant : .input,
                      constant: spec.isZeroSized ? try TensorData(zeros: spec.dataType, dims: spec.dims) : nil))
        }
        for compiled in compiled.nodes {
            try plan(compiled, useGPU: useGPU, device: device)
        }
        for output in outputNames where valueIDs[output] == nil {
            throw InferenceError.unknownOutput(name: output, outputs: outputNames)
        }
        assignStorage()
        for (node, reason) in fallbacks { logger.info("\(node) runs on the CPU: \(reason)") }
    }

    func value(named name: String) -> Value? { valueIDs[name].map { values[$0] } }

    @discardableResult
    private func add(_ value: Value) -> Int {
        values.append(value)
        valueIDs[value.name] = values.count - 1
        return values.count - 1
    }

    private func plan(_ compiled: CompiledGraph.CompiledNode, useGPU: Bool, device: DeviceCapabilities?) throws {
        let node = compiled.node, op = compiled.op
        let inputIDs: [Int?] = try node.inputs.map { name in
            if name.isEmpty { return nil }
            guard let id = valueIDs[name] else {
                throw InferenceError.node(node: node.label, message: "input '\(name)' has no value")
            }
            return id
        }
        let planInputs = inputIDs.map { id in id.map { PlanInput(spec: values[$0].spec, constant: values[$0].constant) } }
        let specs: [TensorSpec]
        do { specs = try op.outputSpecs(planInputs) } catch {
            throw InferenceError.node(node: node.label, message: describe(error, inputs: planInputs))
        }
        let named = node.outputs.enumerated().filter { !$0.element.isEmpty }
        guard named.allSatisfy({ $0.offset < specs.count }) else {
            throw InferenceError.node(node: node.label, message: "asks for \(node.outputs.count) outputs; Sluice computes \(specs.count)")
        }

        // Values that follow from specs alone (Shape of a run-time input) fold too.
        let fromSpecs: [TensorData]?
        do { fromSpecs = try op.valuesFromSpecs(planInputs) } catch {
            throw InferenceError.node(node: node.label, message: describe(error, inputs: planInputs))
        }
        if let fromSpecs {
            for (index, name) in named where index < fromSpecs.count {
                var value = Value(name: name, spec: specs[index], kind: .constant, constant: fromSpecs[index])
                value.folded = true
                add(value)
            }
            return
        }

        // Known before running: fold now with the CPU reference.
        let allKnown = planInputs.allSatisfy { $0 == nil || $0?.constant != nil }
        let zeroSized = specs.contains(where: \.isZeroSized)
        if allKnown || zeroSized && planInputs.allSatisfy({ $0 == nil || $0?.constant != nil || $0!.spec.isZeroSized }) {
            let results: [TensorData]
            do { results = try op.computeCPU(planInputs.map { $0?.constant }, outputs: specs) } catch {
                throw InferenceError.node(node: node.label, message: describe(error, inputs: planInputs))
            }
            for (index, name) in named {
                var value = Value(name: name, spec: specs[index], kind: .constant, constant: results[index])
                value.folded = true
                add(value)
            }
            return
        }

        let constants = planInputs.map { $0?.constant }
        var placement: Placement = .cpu
        var reason: String?
        if let alias = op.aliasedInput, inputIDs[alias] != nil {
            placement = .alias
        } else if !useGPU {
            reason = nil
        } else if let missing = op.planTimeInputs.first(where: { $0 < planInputs.count && planInputs[$0] != nil && planInputs[$0]?.constant == nil }) {
            reason = "input \(missing) ('\(node.inputs[missing])') is known only at run time"
        } else if zeroSized || (!op.acceptsZeroSizedInputs && planInputs.contains(where: { $0?.spec.isZeroSized == true })) {
            reason = "zero-sized tensors"
        } else if let device, let big = (planInputs.compactMap { $0?.spec } + specs).first(where: { UInt64($0.byteCount) > device.maxStorageBufferRange }) {
            // A shader cannot bind more than maxStorageBufferRange bytes of one buffer.
            reason = "a \(big) tensor (\(big.byteCount) bytes) exceeds the device's maxStorageBufferRange (\(device.maxStorageBufferRange) bytes)"
        } else if let device {
            reason = op.gpuUnsupportedReason(planInputs, outputs: specs, device: device)
            if reason == nil { placement = .gpu }
        }
        if let reason { fallbacks.append((node.label, reason)) }

        let stepIndex = steps.count
        var outputIDs = [Int?](repeating: nil, count: node.outputs.count)
        for (index, name) in named {
            var value = Value(name: name, spec: specs[index], kind: .computed, producer: stepIndex)
            if placement == .alias, index == 0, let source = inputIDs[op.aliasedInput!] {
                value.aliasOf = values[source].aliasOf ?? source
            }
            outputIDs[index] = add(value)
        }
        steps.append(Step(node: compiled, placement: placement, inputs: inputIDs, outputs: outputIDs,
                          outputSpecs: specs, constants: constants))
    }

    private func describe(_ error: any Error, inputs: [PlanInput?]) -> String {
        let shapes = inputs.map { $0.map { "\($0.spec)" } ?? "absent" }.joined(separator: ", ")
        return "\(error.localizedDescription) (inputs: \(shapes))"
    }

    /// Gives every value that lives on the GPU during a run a place: outputs their own buffers,
    /// inputs the feed's, and intermediates a slot of a per-plan arena reused once a value's last
    /// reader has been recorded (the command stream's barriers order the reuse).
    private func assignStorage() {
        let outputs = Set(outputNames.compactMap { valueIDs[$0] })
        func root(_ id: Int) -> Int { values[id].aliasOf ?? id }

        // Which roots need GPU memory, and their live ranges in steps.
        var needsGPU = Set<Int>()
        var lastUse: [Int: Int] = [:]
        for (index, step) in steps.enumerated() {
            if step.placement != .cpu {
                for id in step.inputs.compactMap({ $0 }) { needsGPU.insert(root(id)) }
                for id in step.outputs.compactMap({ $0 }) { needsGPU.insert(root(id)) }
            }
            for id in step.inputs.compactMap({ $0 }) { lastUse[root(id), default: -1] = max(lastUse[root(id)] ?? -1, index) }
        }
        for id in outputs { lastUse[root(id)] = steps.count }

        // Graph outputs own their roots' memory (the producer writes straight into the output).
        var taken = Set<Int>()
        for name in outputNames {
            guard let id = valueIDs[name] else { continue }
            let r = root(id)
            if values[r].kind == .computed && !taken.contains(r) {
                storage[r] = .output(name)
                taken.insert(r)
            }
        }

        var slotFreeAt: [Int] = []   // step index after which the slot is free
        for (index, step) in steps.enumerated() {
            for id in step.outputs.compactMap({ $0 }) where root(id) == id && storage[id] == nil {
                let spec = values[id].spec
                guard needsGPU.contains(id) || step.placement == .gpu else { continue }
                let end = lastUse[id] ?? index
                let bytes = max(spec.byteCount, 4)
                // Best fit among free slots; else a new slot.
                let candidates = slotFreeAt.indices.filter { slotFreeAt[$0] < index }
                let choice = candidates.min { a, b in
                    abs(slotSizes[a] - bytes) < abs(slotSizes[b] - bytes)
                }
                let slot: Int
                if let choice { slot = choice; slotSizes[slot] = max(slotSizes[slot], bytes) } else {
                    slot = slotSizes.count
                    slotSizes.append(bytes)
                    slotFreeAt.append(0)
                }
                slotFreeAt[slot] = end
                storage[id] = .slot(slot)
            }
        }
        for (id, value) in values.enumerated() where value.aliasOf == nil && storage[id] == nil {
            switch value.kind {
            case .input: storage[id] = .input(value.name)
            case .constant: storage[id] = .constant(id)
            case .computed: break
            }
        }
    }

    /// Storage of a value (aliases resolve to their root's).
    func storageOf(_ id: Int) -> Storage? { storage[values[id].aliasOf ?? id] }
}
