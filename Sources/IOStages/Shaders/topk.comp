#version 450
// Softmax (optional) and top-k over each row of a [rows, classes] float32 tensor, one workgroup
// per row: the row's max and sum of exponentials by tree reduction, then k rounds of arg-max that
// skip already chosen indices. Writes k indices (int32) and k scores per row, the only values a
// classification pipeline reads back.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) writeonly buffer Indices { int indices[]; };
layout(std430, binding = 2) writeonly buffer Scores { float scores[]; };
layout(push_constant) uniform Params { uint classes; uint k; uint applySoftmax; } p;

shared float sharedValue[256];
shared uint sharedIndex[256];
shared uint chosen[64];

void main() {
    uint row = gl_WorkGroupID.x;
    uint t = gl_LocalInvocationID.x;
    uint base = row * p.classes;

    float localMax = -3.402823e38;
    for (uint i = t; i < p.classes; i += 256u) localMax = max(localMax, logits[base + i]);
    sharedValue[t] = localMax;
    barrier();
    for (uint s = 128u; s > 0u; s >>= 1) { if (t < s) sharedValue[t] = max(sharedValue[t], sharedValue[t + s]); barrier(); }
    float rowMax = sharedValue[0];
    barrier();
    float localSum = 0.0;
    for (uint i = t; i < p.classes; i += 256u) localSum += exp(logits[base + i] - rowMax);
    sharedValue[t] = localSum;
    barrier();
    for (uint s = 128u; s > 0u; s >>= 1) { if (t < s) sharedValue[t] += sharedValue[t + s]; barrier(); }
    float rowSum = sharedValue[0];
    barrier();

    for (uint round = 0u; round < p.k; ++round) {
        float best = -3.402823e38;
        uint bestIndex = 0xffffffffu;
        for (uint i = t; i < p.classes; i += 256u) {
            bool taken = false;
            for (uint j = 0u; j < round; ++j) taken = taken || chosen[j] == i;
            float v = logits[base + i];
            // Ties go to the lower index, as a stable sort would.
            if (!taken && (v > best || (v == best && i < bestIndex))) { best = v; bestIndex = i; }
        }
        sharedValue[t] = best;
        sharedIndex[t] = bestIndex;
        barrier();
        for (uint s = 128u; s > 0u; s >>= 1) {
            if (t < s) {
                float ov = sharedValue[t + s];
                uint oi = sharedIndex[t + s];
                if (ov > sharedValue[t] || (ov == sharedValue[t] && oi < sharedIndex[t])) { sharedValue[t] = ov; sharedIndex[t] = oi; }
            }
            barrier();
        }
        if (t == 0u) {
            chosen[round] = sharedIndex[0];
            indices[row * p.k + round] = int(sharedIndex[0]);
            scores[row * p.k + round] = p.applySoftmax == 1u ? exp(sharedValue[0] - rowMax) / rowSum : sharedValue[0];
        }
        barrier();
    }
}
