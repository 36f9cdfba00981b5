#ifndef SLUICE_CVULKAN_SHIM_H
#define SLUICE_CVULKAN_SHIM_H
// Vulkan's C API as one module. Extension entry points are loaded at run time through
// vkGetDeviceProcAddr (see GPUCore/DeviceFunctions.swift); core 1.0-1.3 symbols come from the loader.
#include <vulkan/vulkan.h>
#endif
