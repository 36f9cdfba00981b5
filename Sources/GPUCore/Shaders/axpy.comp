#version 450
// y = a * x + y over float buffers: the self-test's read-modify-write kernel.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) buffer Y { float y[]; };
layout(push_constant) uniform Params { uint count; float a; } params;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < params.count) y[i] = params.a * x[i] + y[i];
}
