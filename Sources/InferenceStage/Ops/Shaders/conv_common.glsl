// Bindings, sizes and the epilogue (bias, residual, activation) shared by the convolution kernels.
// 1-D convolutions arrive as 2-D with H = KH = 1. Absent bias / residual buffers are bound to a
// dummy and never read (HAS_BIAS / HAS_RESIDUAL undefined). ACTIVATION is a GLSL expression of v
// with parameters a and b (FusedActivation.glsl).
layout(std430, binding = 0) readonly buffer Input { float xs[]; };
layout(std430, binding = 1) readonly buffer Weight { float ws[]; };
layout(std430, binding = 2) readonly buffer Bias { float bs[]; };
layout(std430, binding = 3) readonly buffer Residual { float rs[]; };
layout(std430, binding = 4) writeonly buffer Output { float ys[]; };
layout(push_constant) uniform Params {
    uint N, C, H, W;
    uint OC, OH, OW;
    uint KH, KW;
    int strideY, strideX, dilationY, dilationX, padTop, padLeft;
    uint inPerGroup, outPerGroup, ocTiles;
    float a, b;
} p;

#ifndef ACTIVATION
#define ACTIVATION v
#endif

// Finishes output element (n, oc, pixel) from its accumulated sum and stores it.
void storeOutput(uint n, uint oc, uint pixel, float sum) {
    uint index = (n * p.OC + oc) * (p.OH * p.OW) + pixel;
    float v = sum;
#ifdef HAS_BIAS
    v += bs[oc];
#endif
#ifdef HAS_RESIDUAL
    v += rs[index];
#endif
    float a = p.a;
    float b = p.b;
    ys[index] = ACTIVATION;
}
