#version 450
// Transposed 2-D convolution over float32 NCHW (1-D as height 1), as a gather: each invocation
// computes one output element by summing the inputs whose scattered taps land on it. Input row
// iy reaches output row oy through kernel row ky when iy·stride − pad + ky·dilation = oy, so for
// each ky the candidate iy is (oy + pad − ky·dilation) / stride when that divides exactly.
// Only every step-th kernel row can satisfy that (step = stride / gcd(stride, dilation)), so the
// loops start at the first row that does and skip the rest.
// Pads may be negative (onnx's SAME_* rule with a stride larger than the kernel).
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Input { float xs[]; };
layout(std430, binding = 1) readonly buffer Weight { float ws[]; };   // [C, M/group, KH, KW]
layout(std430, binding = 2) readonly buffer Bias { float bs[]; };     // read only with HAS_BIAS
layout(std430, binding = 3) writeonly buffer Output { float ys[]; };
layout(push_constant) uniform Params {
    uint N, C, H, W;
    uint OC, OH, OW;
    uint KH, KW;
    int strideY, strideX, dilationY, dilationX, padTop, padLeft;
    uint inPerGroup, outPerGroup;
    uint stepY, stepX;
} p;

// The first kernel index k < step with (o + pad − k·dilation) ≥ 0 and divisible by stride, or
// `size` when there is none (then no tap reaches this output along the axis).
uint firstTap(int o, int pad, int dilation, int stride, uint step, uint size) {
    for (uint k = 0u; k < min(step, size); ++k) {
        int t = o + pad - int(k) * dilation;
        if (t < 0) break;
        if (t % stride == 0) return k;
    }
    return size;
}

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    uint pixels = p.OH * p.OW;
    if (i >= p.N * p.OC * pixels) return;
    uint pixel = i % pixels;
    uint oc = (i / pixels) % p.OC;
    uint n = i / (pixels * p.OC);
    uint group = oc / p.outPerGroup;
    uint ocInGroup = oc % p.outPerGroup;
    int oy = int(pixel / p.OW);
    int ox = int(pixel % p.OW);
    uint plane = p.H * p.W;
    uint taps = p.KH * p.KW;
    uint firstInput = group * p.inPerGroup;
    float sum = 0.0;
    uint firstX = firstTap(ox, p.padLeft, p.dilationX, p.strideX, p.stepX, p.KW);
    for (uint ky = firstTap(oy, p.padTop, p.dilationY, p.strideY, p.stepY, p.KH); ky < p.KH; ky += p.stepY) {
        int ty = oy + p.padTop - int(ky) * p.dilationY;
        if (ty < 0) break;
        int iy = ty / p.strideY;
        if (iy >= int(p.H)) continue;
        for (uint kx = firstX; kx < p.KW; kx += p.stepX) {
            int tx = ox + p.padLeft - int(kx) * p.dilationX;
            if (tx < 0) break;
            int ix = tx / p.strideX;
            if (ix >= int(p.W)) continue;
            uint inputOffset = (n * p.C + firstInput) * plane + uint(iy) * p.W + uint(ix);
            uint weightOffset = (firstInput * p.outPerGroup + ocInGroup) * taps + ky * p.KW + kx;
            for (uint c = 0u; c < p.inPerGroup; ++c) {
                sum += xs[inputOffset + c * plane] * ws[weightOffset + c * p.outPerGroup * taps];
            }
        }
    }
#ifdef HAS_BIAS
    sum += bs[oc];
#endif
    ys[i] = sum;
}
