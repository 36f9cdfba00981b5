#version 450
// MaxPool / AveragePool over 2-D windows of a float32 [N·C, H, W] input (1-D pools arrive with
// H = 1), one invocation per output element. POOL_MAX picks the maximum of the positions inside
// the input; otherwise the mean, divided by the positions inside the input, or with
// COUNT_INCLUDE_PAD by those inside input and pads.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer X { float xs[]; };
layout(std430, binding = 1) writeonly buffer Y { float ys[]; };
layout(push_constant) uniform Params {
    uint count;
    uint inH, inW, outH, outW;
    uint kH, kW, sH, sW, dH, dW;
    uint padTop, padLeft, padBottom, padRight;
} p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    uint ow = i % p.outW;
    uint oh = (i / p.outW) % p.outH;
    uint channel = i / (p.outW * p.outH);
    uint base = channel * p.inH * p.inW;
    int h0 = int(oh * p.sH) - int(p.padTop);
    int w0 = int(ow * p.sW) - int(p.padLeft);
#ifdef POOL_MAX
    float result = uintBitsToFloat(0xff800000u);
#else
    float sum = 0.0;
    uint inside = 0u, padded = 0u;
#endif
    for (uint kh = 0u; kh < p.kH; ++kh) {
        int h = h0 + int(kh * p.dH);
        bool rowInside = h >= 0 && h < int(p.inH);
        bool rowPadded = h >= -int(p.padTop) && h < int(p.inH + p.padBottom);
        for (uint kw = 0u; kw < p.kW; ++kw) {
            int w = w0 + int(kw * p.dW);
            bool colInside = w >= 0 && w < int(p.inW);
#ifdef POOL_MAX
            if (rowInside && colInside) result = max(result, xs[base + uint(h) * p.inW + uint(w)]);
#else
            if (rowInside && colInside) {
                sum += xs[base + uint(h) * p.inW + uint(w)];
                inside += 1u;
            }
            if (rowPadded && w >= -int(p.padLeft) && w < int(p.inW + p.padRight)) padded += 1u;
#endif
        }
    }
#ifdef POOL_MAX
    ys[i] = result;
#else
#ifdef COUNT_INCLUDE_PAD
    uint divisor = padded;
#else
    uint divisor = inside;
#endif
    ys[i] = sum / float(max(divisor, 1u));
#endif
}
