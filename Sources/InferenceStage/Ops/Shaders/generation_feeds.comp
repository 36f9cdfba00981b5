#version 450
// The attention_mask and position_ids (int64, as little-endian uint pairs) of the next decode step,
// written on the GPU so a decode step uploads nothing. Row r's real tokens are the last
// total - pad of the window, pad = pads[r] + shift (left padding of the prompt batch, plus the slots
// a fixed-size cache window has not filled yet): mask[r, j] = j >= pad, position[r] = total - 1 - pad.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Pads { uint pads[]; };
layout(std430, binding = 1) writeonly buffer Mask { uint mask[]; };
layout(std430, binding = 2) writeonly buffer Positions { uint positions[]; };
layout(push_constant) uniform Params { uint rows; uint total; uint shift; } p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.rows * p.total) return;
    uint row = i / p.total;
    uint j = i % p.total;
    uint pad = pads[row] + p.shift;
    mask[2u * i] = j >= pad ? 1u : 0u;
    mask[2u * i + 1u] = 0u;
    if (j == p.total - 1u) {
        positions[2u * row] = p.total - 1u - pad;
        positions[2u * row + 1u] = 0u;
    }
}
