import GPUCore
import Testing
@testable import InferenceStage

@Suite struct NodeTests {
    private let conv: Node

    init() throws {
        conv = Node(
            name: "conv1", opType: "Conv", inputs: ["x", "w", ""], outputs: ["y"],
            attributes: [
                "group": .int(2), "pads": .ints([1, 1, 1, 1]), "alpha": .float(0.5), "auto_pad": .string("NOTSET"),
                "scales": .floats([1, 2]), "names": .strings(["a"]),
                "value": .tensor(try TensorData([Float(1), 2], dims: [2])),
            ])
    }

    @Test func typed_accessors_return_values_and_defaults() throws {
        #expect(try conv.int("group") == 2)
        #expect(try conv.int("axis", default: 1) == 1)
        #expect(try conv.ints("pads") == [1, 1, 1, 1])
        #expect(try conv.ints("strides", default: [1, 1]) == [1, 1])
        #expect(try conv.float("alpha") == 0.5)
        #expect(try conv.float("beta", default: 1) == 1)
        #expect(try conv.string("auto_pad") == "NOTSET")
        #expect(try conv.string("mode", default: "constant") == "constant")
        #expect(try conv.floats("scales") == [1, 2])
        #expect(try conv.strings("names") == ["a"])
        #expect(try conv.tensor("value").dims == [2])
        #expect(conv.hasAttribute("pads"))
        #expect(!conv.hasAttribute("dilations"))
    }

    @Test func missing_attribute_error_names_node_and_operator() {
        #expect(throws: ModelError.missingAttribute(node: "node 'conv1' (Conv)", attribute: "kernel_shape")) {
            try conv.ints("kernel_shape")
        }
        let message = ModelError.missingAttribute(node: conv.label, attribute: "kernel_shape").errorDescription
        #expect(message == "node 'conv1' (Conv) needs attribute 'kernel_shape', which the model does not set")
    }

    @Test func wrong_kind_is_an_error_even_with_a_default() {
        #expect(throws: ModelError.attributeTypeMismatch(node: "node 'conv1' (Conv)", attribute: "pads",
                                                          expected: "int", actual: "ints")) {
            try conv.int("pads", default: 0)
        }
        #expect(throws: ModelError.attributeTypeMismatch(node: "node 'conv1' (Conv)", attribute: "group",
                                                          expected: "float", actual: "int")) {
            try conv.float("group")
        }
    }

    @Test func unnamed_nodes_are_labelled_by_their_output() {
        let node = Node(name: "", opType: "Relu", inputs: ["x"], outputs: ["", "y"])
        #expect(node.label == "unnamed Relu node producing 'y'")
    }
}
