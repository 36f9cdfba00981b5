#version 450
// One pass of a tree reduction: each workgroup sums up to 2*256 inputs into one partial sum.
// The host repeats passes until one value is left, so any length works with one kernel.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Input { float values[]; };
layout(std430, binding = 1) writeonly buffer Output { float partials[]; };
layout(push_constant) uniform Params { uint count; } params;

shared float scratch[256];

void main() {
    uint local = gl_LocalInvocationID.x;
    uint base = gl_WorkGroupID.x * 512u + local;
    float sum = 0.0;
    if (base < params.count) sum += values[base];
    if (base + 256u < params.count) sum += values[base + 256u];
    scratch[local] = sum;
    barrier();
    for (uint stride = 128u; stride > 0u; stride >>= 1) {
        if (local < stride) scratch[local] += scratch[local + stride];
        barrier();
    }
    if (local == 0u) partials[gl_WorkGroupID.x] = scratch[0];
}
