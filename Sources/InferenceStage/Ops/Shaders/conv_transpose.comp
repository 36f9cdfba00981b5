#version 450
// Transposed 2-D convolution over float32 NCHW (1-D as height 1), as a gather: each invocation
// computes one output element by summing the inputs whose scattered taps land on it. Input row
// iy reaches output row oy through kernel row ky when iy·stride − pad + ky·dilation = oy, so for
// each ky the candidate iy is (oy + pad − ky·dilation) / stride when that divides exactly.
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
} p;

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
    for (uint ky = 0u; ky < p.KH; ++ky) {
        int ty = oy + p.padTop - int(ky) * p.dilationY;
        if (ty < 0 || ty % p.strideY != 0) continue;
        int iy = ty / p.strideY;
        if (iy >= int(p.H)) continue;
        for (uint kx = 0u; kx < p.KW; ++kx) {
            int tx = ox + p.padLeft - int(kx) * p.dilationX;
            if (tx < 0 || tx % p.strideX != 0) continue;
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
