#version 450
// Logical not over bool bytes (8-bit storage). Any non-zero byte counts as true.
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Input { uint8_t xs[]; };
layout(std430, binding = 1) writeonly buffer Output { uint8_t ys[]; };
layout(push_constant) uniform Params { uint count; } p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    ys[i] = xs[i] == uint8_t(0) ? uint8_t(1) : uint8_t(0);
}
