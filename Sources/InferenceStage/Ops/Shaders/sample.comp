#version 450
// Picks the next token of each row from the last position's logits, on the GPU, so only the chosen
// ids ever reach the host. One workgroup per row. Steps (TokenSamplerReference.swift is the same
// math on the CPU):
//   1. repetition penalty on tokens seen before (counts > 0): x > 0 ? x / penalty : x * penalty;
//      greedy stops here with the arg max (lowest id on ties);
//   2. temperature: x / T;
//   3. top-k: the largest order-preserving key K with count(key >= K) >= k (ties at the k-th value kept);
//   4. top-p: the largest key P with mass(key >= P) >= p * mass(kept), mass = sum e^(x - max);
//   5. one Philox4x32-10 draw u for (seed, step, row); the token where the running mass in id order
//      first exceeds u * mass(kept).
// Searching thresholds bit by bit over the keys needs 32 counting passes instead of a sort.
// Defines: WG (workgroup size, a power of two).
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) buffer Counts { uint counts[]; };
layout(std430, binding = 2) buffer Work { float work[]; };
layout(std430, binding = 3) writeonly buffer Tokens { uint tokens[]; };
layout(std430, binding = 4) writeonly buffer NextIds { uint nextIds[]; };

layout(push_constant) uniform Params {
    uint vocab;
    uint rowStride;      // floats between rows of the logits
    uint rowOffset;      // floats from a row's start to its last position
    uint rows;
    float invTemperature;
    uint topK;           // 0: off
    float topP;          // >= 1: off
    float penalty;       // 1: off
    uint greedy;
    uint seedLo;
    uint seedHi;
    uint step;
    uint record;         // 1: count the chosen token in the history
} p;

#define NEG_INF uintBitsToFloat(0xff800000u)

shared float sharedF[WG];
shared uint sharedU[WG];
shared uint sharedBest;

uint orderKey(float x) {
    uint bits = floatBitsToUint(x);
    return (bits & 0x80000000u) != 0u ? ~bits : (bits | 0x80000000u);
}

float sumF(float v) {
    uint t = gl_LocalInvocationID.x;
    sharedF[t] = v;
    barrier();
    for (uint s = WG / 2u; s > 0u; s >>= 1) {
        if (t < s) sharedF[t] += sharedF[t + s];
        barrier();
    }
    float total = sharedF[0];
    barrier();
    return total;
}

uint sumU(uint v) {
    uint t = gl_LocalInvocationID.x;
    sharedU[t] = v;
    barrier();
    for (uint s = WG / 2u; s > 0u; s >>= 1) {
        if (t < s) sharedU[t] += sharedU[t + s];
        barrier();
    }
    uint total = sharedU[0];
    barrier();
    return total;
}

// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3").
uvec4 philox(uvec4 c, uvec2 k) {
    for (int i = 0; i < 10; ++i) {
        if (i > 0) k += uvec2(0x9E3779B9u, 0xBB67AE85u);
        uint hi0, lo0, hi1, lo1;
        umulExtended(0xD2511F53u, c.x, hi0, lo0);
        umulExtended(0xCD9E8D57u, c.z, hi1, lo1);
        c = uvec4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

float penalised(uint row, uint v) {
    float x = logits[row * p.rowStride + p.rowOffset + v];
    if (isnan(x)) x = NEG_INF;
    if (p.penalty != 1.0 && counts[row * p.vocab + v] > 0u) x = x > 0.0 ? x / p.penalty : x * p.penalty;
    return x;
}

void finish(uint row, uint id) {
    tokens[row] = id;
    nextIds[2u * row] = id;
    nextIds[2u * row + 1u] = 0u;
    if (p.record != 0u) counts[row * p.vocab + id] += 1u;
}

void main() {
    uint row = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    if (row >= p.rows) return;   // uniform per workgroup
    uint t = gl_LocalInvocationID.x;
    uint base = row * p.vocab;

    // 1–2: penalty, temperature, maximum (value, lowest id).
    float best = NEG_INF;
    uint bestId = 0xFFFFFFFFu;
    for (uint v = t; v < p.vocab; v += WG) {
        float x = penalised(row, v);
        if (p.greedy == 0u) {
            x *= p.invTemperature;
            work[base + v] = x;
        }
        if (x > best || bestId == 0xFFFFFFFFu) { best = x; bestId = v; }
    }
    sharedF[t] = best;
    sharedU[t] = bestId;
    barrier();
    for (uint s = WG / 2u; s > 0u; s >>= 1) {
        if (t < s) {
            float o = sharedF[t + s];
            uint oid = sharedU[t + s];
            bool take = oid != 0xFFFFFFFFu && (sharedU[t] == 0xFFFFFFFFu || o > sharedF[t] || (o == sharedF[t] && oid < sharedU[t]));
            if (take) { sharedF[t] = o; sharedU[t] = oid; }
        }
        barrier();
    }
    float maxValue = sharedF[0];
    uint argmax = sharedU[0];
    barrier();
    if (p.greedy != 0u) {
        if (t == 0u) finish(row, argmax);
        return;
    }

    // 3: top-k threshold on keys.
    uint threshold = 0u;
    if (p.topK > 0u && p.topK < p.vocab) {
        for (int bit = 31; bit >= 0; --bit) {
            uint candidate = threshold | (1u << uint(bit));
            uint n = 0u;
            for (uint v = t; v < p.vocab; v += WG) n += orderKey(work[base + v]) >= candidate ? 1u : 0u;
            if (sumU(n) >= p.topK) threshold = candidate;
        }
    }

    // 4: top-p threshold on keys, within the top-k set.
    if (p.topP < 1.0) {
        float local = 0.0;
        for (uint v = t; v < p.vocab; v += WG) {
            float x = work[base + v];
            if (orderKey(x) >= threshold) local += exp(x - maxValue);
        }
        float target = p.topP * sumF(local);
        uint nucleus = 0u;
        for (int bit = 31; bit >= 0; --bit) {
            uint candidate = nucleus | (1u << uint(bit));
            uint bound = max(candidate, threshold);
            float mass = 0.0;
            for (uint v = t; v < p.vocab; v += WG) {
                float x = work[base + v];
                if (orderKey(x) >= bound) mass += exp(x - maxValue);
            }
            float total = sumF(mass);
            if (total > 0.0 && total >= target) nucleus = candidate;
        }
        threshold = max(threshold, nucleus);
    }

    // 5: inverse-CDF draw in id order over contiguous chunks (the CPU reference sums the same chunks).
    uint chunk = (p.vocab + WG - 1u) / WG;
    uint first = t * chunk;
    uint last = min(first + chunk, p.vocab);
    float part = 0.0;
    for (uint v = first; v < last; ++v) {
        float x = work[base + v];
        if (orderKey(x) >= threshold) part += exp(x - maxValue);
    }
    sharedF[t] = part;
    barrier();
    if (t == 0u) {
        float total = 0.0;
        for (uint i = 0u; i < WG; ++i) total += sharedF[i];
        uvec4 r = philox(uvec4(p.step, row, 0u, 0u), uvec2(p.seedLo, p.seedHi));
        float target = float(r.x >> 8) * (1.0 / 16777216.0) * total;
        uint chosen = argmax;   // when rounding leaves the target past the last kept token
        float running = 0.0;
        bool found = false;
        for (uint i = 0u; i < WG && !found; ++i) {
            if (running + sharedF[i] > target) {
                uint end = min((i + 1u) * chunk, p.vocab);
                for (uint v = i * chunk; v < end; ++v) {
                    float x = work[base + v];
                    if (orderKey(x) < threshold) continue;
                    running += exp(x - maxValue);
                    if (running > target) { chosen = v; found = true; break; }
                }
                break;
            }
            running += sharedF[i];
        }
        finish(row, chosen);
    }
}
