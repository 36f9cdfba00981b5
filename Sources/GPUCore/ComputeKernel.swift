import CVulkan

/// A compiled compute pipeline: shader module, push-descriptor set layout with `bindingCount`
/// storage buffers, push constants, and the pipeline itself. Made and owned by `ShaderLibrary`.
public final class ComputeKernel: @unchecked Sendable {
    public let name: String
    public let bindingCount: Int
    public let pushConstantBytes: Int
    let pipeline: VkPipeline
    let layout: VkPipelineLayout
    let setLayout: VkDescriptorSetLayout
    let module: VkShaderModule

    init(name: String, bindingCount: Int, pushConstantBytes: Int, pipeline: VkPipeline,
         layout: VkPipelineLayout, setLayout: VkDescriptorSetLayout, module: VkShaderModule) {
        self.name = name
        self.bindingCount = bindingCount
        self.pushConstantBytes = pushConstantBytes
        self.pipeline = pipeline
        self.layout = layout
        self.setLayout = setLayout
        self.module = module
    }

    func destroy(device: VkDevice) {
        vkDestroyPipeline(device, pipeline, nil)
        vkDestroyPipelineLayout(device, layout, nil)
        vkDestroyDescriptorSetLayout(device, setLayout, nil)
        vkDestroyShaderModule(device, module, nil)
    }
}

extension GPUContext {
    func buildKernel(name: String, spirv: [UInt32], bindingCount: Int, pushConstantBytes: Int,
                     specialization: [UInt32], pipelineCache: VkPipelineCache?) throws(GPUError) -> ComputeKernel {
        var module: VkShaderModule?
        let moduleResult = spirv.withUnsafeBufferPointer { words in
            var info = VkShaderModuleCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
            info.codeSize = words.count * 4
            info.pCode = words.baseAddress
            return vkCreateShaderModule(device, &info, nil, &module)
        }
        try vkCheck(moduleResult, "vkCreateShaderModule(\(name))")
        guard let module else { throw .vulkan(call: "vkCreateShaderModule", result: "no handle") }

        var bindings = (0..<bindingCount).map { i -> VkDescriptorSetLayoutBinding in
            var b = VkDescriptorSetLayoutBinding()
            b.binding = UInt32(i)
            b.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
            b.descriptorCount = 1
            b.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
            return b
        }
        var setLayout: VkDescriptorSetLayout?
        let setResult = bindings.withUnsafeMutableBufferPointer { ptr in
            var info = VkDescriptorSetLayoutCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
            info.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR.rawValue
            info.bindingCount = UInt32(bindingCount)
            info.pBindings = UnsafePointer(ptr.baseAddress)
            return vkCreateDescriptorSetLayout(device, &info, nil, &setLayout)
        }
        try vkCheck(setResult, "vkCreateDescriptorSetLayout(\(name))")
        guard let setLayout else { throw .vulkan(call: "vkCreateDescriptorSetLayout", result: "no handle") }

        var range = VkPushConstantRange(stageFlags: VK_SHADER_STAGE_COMPUTE_BIT.rawValue, offset: 0,
                                        size: UInt32(pushConstantBytes))
        var layout: VkPipelineLayout?
        var setLayoutRef: VkDescriptorSetLayout? = setLayout
        let layoutResult = withUnsafePointer(to: &setLayoutRef) { setPtr in
            withUnsafePointer(to: &range) { rangePtr in
                var info = VkPipelineLayoutCreateInfo()
                info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
                info.setLayoutCount = 1
                info.pSetLayouts = setPtr
                info.pushConstantRangeCount = pushConstantBytes > 0 ? 1 : 0
                info.pPushConstantRanges = pushConstantBytes > 0 ? rangePtr : nil
                return vkCreatePipelineLayout(device, &info, nil, &layout)
            }
        }
        try vkCheck(layoutResult, "vkCreatePipelineLayout(\(name))")
        guard let layout else { throw .vulkan(call: "vkCreatePipelineLayout", result: "no handle") }

        var entries = specialization.indices.map {
            VkSpecializationMapEntry(constantID: UInt32($0), offset: UInt32($0 * 4), size: 4)
        }
        var pipeline: VkPipeline?
        let pipelineResult: VkResult = entries.withUnsafeMutableBufferPointer { entryPtr in
            specialization.withUnsafeBytes { dataPtr in
                var spec = VkSpecializationInfo(mapEntryCount: UInt32(entryPtr.count), pMapEntries: UnsafePointer(entryPtr.baseAddress),
                                                dataSize: dataPtr.count, pData: dataPtr.baseAddress)
                return withUnsafePointer(to: &spec) { specPtr in
                    "main".withCString { entryName in
                        var stage = VkPipelineShaderStageCreateInfo()
                        stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
                        stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
                        stage.module = module
                        stage.pName = entryName
                        stage.pSpecializationInfo = specialization.isEmpty ? nil : specPtr
                        var info = VkComputePipelineCreateInfo()
                        info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
                        info.stage = stage
                        info.layout = layout
                        return vkCreateComputePipelines(device, pipelineCache, 1, &info, nil, &pipeline)
                    }
                }
            }
        }
        try vkCheck(pipelineResult, "vkCreateComputePipelines(\(name))")
        guard let pipeline else { throw .vulkan(call: "vkCreateComputePipelines", result: "no handle") }
        return ComputeKernel(name: name, bindingCount: bindingCount, pushConstantBytes: pushConstantBytes,
                             pipeline: pipeline, layout: layout, setLayout: setLayout, module: module)
    }
}
