// Functions GLSL lacks, shared by kernels through `#include "math.glsl"` (expanded by OpShaders).

// erf with |error| < 1.5e-7 (Abramowitz & Stegun 7.1.26), enough for Erf and exact-form Gelu in fp32.
float sluice_erf(float x) {
    float s = sign(x);
    float a = abs(x);
    float t = 1.0 / (1.0 + 0.3275911 * a);
    float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
    return s * y;
}

float sluice_gelu_erf(float x) { return 0.5 * x * (1.0 + sluice_erf(x * 0.7071067811865476)); }

float sluice_gelu_tanh(float x) {
    float inner = 0.7978845608028654 * (x + 0.044715 * x * x * x);
    return 0.5 * x * (1.0 + tanh(inner));
}

// tanh that does not overflow exp for large |x| on drivers that evaluate it as (e^2x-1)/(e^2x+1).
float sluice_tanh(float x) { return clamp(x, -15.0, 15.0) == x ? tanh(x) : sign(x); }

float sluice_sigmoid(float x) { return 1.0 / (1.0 + exp(-x)); }
