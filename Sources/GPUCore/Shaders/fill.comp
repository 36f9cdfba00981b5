#version 450
// Writes one value into every element of a float buffer; the simplest self-test kernel.
layout(local_size_x = 256) in;
layout(std430, binding = 0) writeonly buffer Output { float data[]; } outBuf;
layout(push_constant) uniform Params { uint count; float value; } params;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < params.count) outBuf.data[i] = params.value;
}
