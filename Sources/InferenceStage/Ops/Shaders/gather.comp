#version 450
// Gather along one axis: out[outer, j, inner] = data[outer, indices[j], inner] for any element type.
// INDEX_INT64 reads each int64 index as two uint words (low, high), so no shaderInt64 is needed.
// Negative indices count from the end. Out-of-range indices are clamped to the axis (ONNX calls
// them an error; the CPU side throws for indices known when planning, the shader must never read
// out of bounds for indices that arrive at run time).
#include "element.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Data { ELEM src[]; };
layout(std430, binding = 1) readonly buffer Indices { uint indices[]; };
layout(std430, binding = 2) writeonly buffer Output { ELEM dst[]; };
layout(push_constant) uniform Params {
    uint count;
    uint indexCount;
    uint axisSize;
    uint inner;
} p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    uint k = i % p.inner;
    uint rest = i / p.inner;
    uint j = rest % p.indexCount;
    uint outer = rest / p.indexCount;
    int size = int(p.axisSize);
#ifdef INDEX_INT64
    uint low = indices[2u * j];
    int high = int(indices[2u * j + 1u]);
    // Only values that fit in 32 bits can be in range; anything else is clamped by its sign.
    int index;
    if ((high == 0 && low < 0x80000000u) || (high == -1 && low >= 0x80000000u)) {
        index = int(low);
    } else {
        index = high < 0 ? -size - 1 : size;
    }
#else
    int index = int(indices[j]);
#endif
    if (index < 0) index += size;
    index = clamp(index, 0, size - 1);
    dst[i] = src[(outer * p.axisSize + uint(index)) * p.inner + k];
}
