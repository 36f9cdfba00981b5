#version 450
// CumSum over float32 along one axis: one invocation scans one line (fixed outer and inner index)
// sequentially, in the same order as the CPU reference, so both round alike.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Input { float xs[]; };
layout(std430, binding = 1) writeonly buffer Output { float ys[]; };
layout(push_constant) uniform Params {
    uint lines;
    uint axisSize;
    uint inner;
    uint exclusive;
    uint reverse;
} p;

void main() {
    uint line = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (line >= p.lines) return;
    uint base = (line / p.inner) * p.axisSize * p.inner + line % p.inner;
    float sum = 0.0;
    for (uint step = 0u; step < p.axisSize; ++step) {
        uint j = p.reverse != 0u ? p.axisSize - 1u - step : step;
        uint at = base + j * p.inner;
        float x = xs[at];
        if (p.exclusive != 0u) {
            ys[at] = sum;
            sum += x;
        } else {
            sum += x;
            ys[at] = sum;
        }
    }
}
