#version 450
// out[outBase + Σ idx·outStride] = in[inBase + Σ idx·inStride] for every index of a rank ≤ 6 box.
// One kernel moves data for Transpose, Slice, Expand, Concat, Split and Tile: only the strides differ.
// ELEM_BYTES picks the element width; the copy moves bits, so it serves every data type.
#include "element.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Input { ELEM src[]; };
layout(std430, binding = 1) writeonly buffer Output { ELEM dst[]; };
layout(push_constant) uniform Params {
    uint count;
    uint rank;
    uint inBase;
    uint outBase;
    uint dims[6];
    uint inStrides[6];
    uint outStrides[6];
} p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    uint rest = i;
    uint inOffset = p.inBase;
    uint outOffset = p.outBase;
    for (int d = int(p.rank) - 1; d >= 0; --d) {
        uint index = rest % p.dims[d];
        rest /= p.dims[d];
        inOffset += index * p.inStrides[d];
        outOffset += index * p.outStrides[d];
    }
    dst[outOffset] = src[inOffset];
}
