import Testing
@testable import Pipeline

struct PipelineSchemaTests {
    @Test func schemaListsEveryStageTypeWithItsOptions() throws {
        let text = PipelineSchema.generate(registry: testRegistry())
        let root = try PipelineJSON.parse(text)
        #expect(root.member("$schema")?.value.string == "https://json-schema.org/draft/2020-12/schema")
        #expect(root.member("required")?.value.value == ["stages"])
        let variants = try #require(root.node(at: ["properties", "stages", "items", "oneOf"])?.elements)
        #expect(variants.map { $0.node(at: ["properties", "type", "const"])?.string } == testRegistry().typeNames.map(Optional.init))

        let numbers = variants[0]
        #expect(numbers.node(at: ["properties", "options", "required"])?.value == ["count"])
        #expect(numbers.node(at: ["properties", "options", "properties", "count"])?.value
            == .object(["type": "integer", "description": "How many items.", "minimum": 0]))
        #expect(numbers.node(at: ["properties", "inputs"]) == nil)  // sources take no inputs
        #expect(numbers.node(at: ["required"])?.value == ["name", "type", "options"])

        let add = variants[2]
        #expect(add.node(at: ["properties", "inputs", "required"])?.value == ["a", "b"])
        #expect(add.node(at: ["properties", "inputs", "properties", "a", "description"])?.value == "Kind: number.")
        #expect(add.node(at: ["properties", "workers", "minimum"])?.value == 1)
        #expect(add.node(at: ["additionalProperties"])?.value == false)

        let csv = variants[7]
        #expect(csv.node(at: ["properties", "options", "properties", "columns", "items", "type"])?.value == "string")
        #expect(root.node(at: ["properties", "defaults", "properties", "onError", "enum"])?.value == ["skip", "fail"])
    }

    @Test func schemaIsStable() {
        #expect(PipelineSchema.generate(registry: testRegistry()) == PipelineSchema.generate(registry: testRegistry()))
    }
}
