#version 450
// LRN over the channel axis of a float32 [N, C, inner] input, one invocation per element:
// y = x / (bias + alpha / size · Σ x²)^beta over channels [c - ⌊(size-1)/2⌋, c + ⌈(size-1)/2⌉].
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer X { float xs[]; };
layout(std430, binding = 1) writeonly buffer Y { float ys[]; };
layout(push_constant) uniform Params {
    uint count;
    uint channels;
    uint inner;
    uint size;
    float alpha, beta, bias;
} p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    uint c = (i / p.inner) % p.channels;
    uint channelZero = i - c * p.inner;
    int lo = max(int(c) - int((p.size - 1u) / 2u), 0);
    int hi = min(int(c) + int(p.size - 1u - (p.size - 1u) / 2u), int(p.channels) - 1);
    float squares = 0.0;
    for (int j = lo; j <= hi; ++j) {
        float v = xs[channelZero + uint(j) * p.inner];
        squares += v * v;
    }
    ys[i] = xs[i] / pow(p.bias + p.alpha / float(p.size) * squares, p.beta);
}
