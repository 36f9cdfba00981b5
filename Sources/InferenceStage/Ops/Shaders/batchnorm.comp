#version 450
// Inference-mode batch normalisation over float32: y = (x − mean) / sqrt(var + epsilon) · scale + b.
// Parameters are per channel (SPATIAL = 1) or per channel and position (opsets 7–8, spatial = 0).
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Input { float xs[]; };
layout(std430, binding = 1) readonly buffer Scale { float scales[]; };
layout(std430, binding = 2) readonly buffer Bias { float biases[]; };
layout(std430, binding = 3) readonly buffer Mean { float means[]; };
layout(std430, binding = 4) readonly buffer Variance { float variances[]; };
layout(std430, binding = 5) writeonly buffer Output { float ys[]; };
layout(push_constant) uniform Params { uint count; uint channels; uint inner; uint spatial; float epsilon; } p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    uint c = p.spatial != 0u ? (i / p.inner) % p.channels : i % (p.channels * p.inner);
    ys[i] = (xs[i] - means[c]) / sqrt(variances[c] + p.epsilon) * scales[c] + biases[c];
}
