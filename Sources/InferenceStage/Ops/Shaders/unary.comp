#version 450
// y = OP(x) elementwise over float32. OP is an expression in x with parameters alpha and beta
// (Clip's bounds, LeakyRelu's slope, HardSigmoid's alpha/beta), injected as a #define.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Input { float xs[]; };
layout(std430, binding = 1) writeonly buffer Output { float ys[]; };
layout(push_constant) uniform Params { uint count; float alpha; float beta; } p;

#include "math.glsl"

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    float x = xs[i];
    float alpha = p.alpha;
    float beta = p.beta;
    ys[i] = OP;
}
