// Sampling on the device: engine::Sampler (lib/engine/sampler.hpp) step for
// step, one block of 1024 threads per logits row, so only the sampled ids and
// requested logprobs go back to the host.
//
//   0. logprobs (when requested) from the RAW row: log_softmax(x)_i = x_i - (M + log sum_j exp(x_j - M)),
//      rank = #{j : x_j >= x_token}, top-n by logit (ties: lower id first); fp64 sums.
//   1. min_tokens: masked ids (stop tokens, EOS) -> -inf.
//   2. penalties on the touched tokens t (host-built list, one entry each):
//      repetition r: x > 0 ? x / r : x r;  output count c > 0: x -= f c + p.
//   3. greedy (temperature 0): argmax, lowest id on ties, NaN never wins.
//   4. x /= T.   5. min-p: exp(x - max x) < min_p -> -inf (fp64 exp).
//   6. top-k: x < (k-th largest x) -> -inf, the k-th value found exactly by a
//      4-pass radix select on order-preserving 32-bit keys (ties all stay).
//   7. top-p: with q = softmax(x), keep the tokens ranked (descending, ties by
//      id) before the first prefix whose mass reaches top_p: a mass-weighted
//      radix select finds the value v* where the cumulative mass crosses
//      top_p, G = mass above v*; tokens below v* go, tokens at v* stay in id
//      order while G + i q(v*) < top_p. Equal to the CPU's sorted walk up to
//      the order of fp64 additions.
//   8. draw: u = philox_uniform(key, counter), the first token (id order)
//      whose cumulative exp(x - max) exceeds u * total: per-thread contiguous
//      chunks, an exclusive block scan of their sums, then a local walk.
//
// Layouts: logits [rows x vocab] fp32 (read only), work [rows x vocab] fp32
// scratch, params / results [rows], penalties and masked ids indexed by each
// row's [begin, end) ranges. Grid: rows blocks x 1024 threads.
#include "common.cuh"
#include "philox.cuh"

#include <climits>

namespace llmctl::cuda {
namespace {

constexpr int kThreads = 1024;

struct Shared {
  float f[32];
  double d[32];
  long long ll[32];
  int i[32];
  unsigned hist[256];
  double mass[256];
  unsigned prefix;
  int remaining;
  double above;
  int keep_all;
};

__device__ __forceinline__ unsigned order_key(float f) {
  if (f == 0.0f) f = 0.0f;  // -0 == +0, as the CPU's float comparisons
  const unsigned bits = __float_as_uint(f);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}
__device__ __forceinline__ float key_value(unsigned key) {
  return __uint_as_float((key & 0x80000000u) ? (key & 0x7fffffffu) : ~key);
}

// Block argmax over per-thread candidates: larger value wins, lower index on
// ties; index INT_MAX means "no candidate".
__device__ void argmax_combine(float& v, int& i, float ov, int oi) {
  if (ov > v || (ov == v && oi < i)) {
    v = ov;
    i = oi;
  }
}
__device__ int block_argmax(float v, int i, Shared& s) {
  for (int offset = 16; offset > 0; offset >>= 1)
    argmax_combine(v, i, __shfl_xor_sync(0xffffffffu, v, offset), __shfl_xor_sync(0xffffffffu, i, offset));
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) {
    s.f[warp] = v;
    s.i[warp] = i;
  }
  __syncthreads();
  v = lane < kThreads / 32 ? s.f[lane] : -INFINITY;
  i = lane < kThreads / 32 ? s.i[lane] : INT_MAX;
  for (int offset = 16; offset > 0; offset >>= 1)
    argmax_combine(v, i, __shfl_xor_sync(0xffffffffu, v, offset), __shfl_xor_sync(0xffffffffu, i, offset));
  __syncthreads();
  return i;
}

// Argmax of x with the CPU's rules (NaN skipped; nothing but NaN: 0).
__device__ int row_argmax(const float* x, int vocab, Shared& s) {
  float best = -INFINITY;
  int idx = INT_MAX;
  for (int j = threadIdx.x; j < vocab; j += kThreads) {
    const float v = x[j];
    if (isnan(v)) continue;
    argmax_combine(best, idx, v, j);
  }
  idx = block_argmax(best, idx, s);
  return idx == INT_MAX ? 0 : idx;
}

__device__ float row_max(const float* x, int vocab, Shared& s) {
  float m = -INFINITY;
  for (int j = threadIdx.x; j < vocab; j += kThreads)
    if (!isnan(x[j])) m = fmaxf(m, x[j]);
  return detail::block_max(m, s.f, -INFINITY);
}

// Exclusive prefix sum over the block (thread order).
__device__ double block_exclusive_scan(double v, Shared& s) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  double inclusive = v;
  for (int offset = 1; offset < 32; offset <<= 1) {
    const double other = __shfl_up_sync(0xffffffffu, inclusive, offset);
    if (lane >= offset) inclusive += other;
  }
  __syncthreads();
  if (lane == 31) s.d[warp] = inclusive;
  __syncthreads();
  if (warp == 0) {
    double w = lane < kThreads / 32 ? s.d[lane] : 0.0;
    double wi = w;
    for (int offset = 1; offset < 32; offset <<= 1) {
      const double other = __shfl_up_sync(0xffffffffu, wi, offset);
      if (lane >= offset) wi += other;
    }
    if (lane < kThreads / 32) s.d[lane] = wi - w;  // exclusive over warps
  }
  __syncthreads();
  const double result = s.d[warp] + inclusive - v;
  __syncthreads();
  return result;
}

// Step 6: the exact key of the k-th largest value (1 <= k <= vocab).
__device__ unsigned kth_largest_key(const float* x, int vocab, int k, Shared& s) {
  unsigned prefix = 0, mask = 0;
  int remaining = k;
  for (int shift = 24; shift >= 0; shift -= 8) {
    for (int b = threadIdx.x; b < 256; b += kThreads) s.hist[b] = 0;
    __syncthreads();
    for (int j = threadIdx.x; j < vocab; j += kThreads) {
      const unsigned key = order_key(x[j]);
      if ((key & mask) == prefix) atomicAdd(&s.hist[(key >> shift) & 255u], 1u);
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      int cum = 0, sel = 0;
      for (int b = 255; b >= 0; --b) {
        if (cum + static_cast<int>(s.hist[b]) >= remaining) {
          sel = b;
          break;
        }
        cum += static_cast<int>(s.hist[b]);
      }
      s.prefix = prefix | (static_cast<unsigned>(sel) << shift);
      s.remaining = remaining - cum;
    }
    __syncthreads();
    prefix = s.prefix;
    remaining = s.remaining;
    mask |= 255u << shift;
    __syncthreads();
  }
  return prefix;
}

// Step 7 (see the file comment).
__device__ void apply_top_p(float* x, int vocab, double top_p, Shared& s) {
  const float m = row_max(x, vocab, s);
  if (!isfinite(m)) return;
  double local = 0.0;
  for (int j = threadIdx.x; j < vocab; j += kThreads) local += exp(static_cast<double>(x[j]) - m);
  const double z = detail::block_sum(local, s.d);
  unsigned prefix = 0, mask = 0;
  double above = 0.0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    for (int b = threadIdx.x; b < 256; b += kThreads) s.mass[b] = 0.0;
    __syncthreads();
    for (int j = threadIdx.x; j < vocab; j += kThreads) {
      const unsigned key = order_key(x[j]);
      if ((key & mask) == prefix) {
        const double q = exp(static_cast<double>(x[j]) - m) / z;
        if (q > 0.0) atomicAdd(&s.mass[(key >> shift) & 255u], q);
      }
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      int sel = -1;
      for (int b = 255; b >= 0; --b) {
        if (above + s.mass[b] >= top_p) {
          sel = b;
          break;
        }
        above += s.mass[b];
      }
      s.keep_all = sel < 0;  // rounding left the total below top_p: nothing to cut
      s.prefix = prefix | (static_cast<unsigned>(sel < 0 ? 0 : sel) << shift);
      s.above = above;
    }
    __syncthreads();
    if (s.keep_all) return;
    prefix = s.prefix;
    above = s.above;
    mask |= 255u << shift;
    __syncthreads();
  }
  const float cut = key_value(prefix);
  // Ties at the cut value stay in id order while the mass before them is < top_p.
  int ties_local = 0;
  for (int j = threadIdx.x; j < vocab; j += kThreads) ties_local += x[j] == cut;
  const int ties = detail::block_sum(ties_local, s.i);
  if (threadIdx.x == 0) {
    const double q = exp(static_cast<double>(cut) - m) / z;
    int keep = 0;
    while (keep < ties && above + keep * q < top_p) ++keep;
    int cut_id = INT_MAX;  // ids of tied tokens from here on are dropped
    if (keep < ties) {
      int seen = 0;
      for (int j = 0; j < vocab; ++j)
        if (x[j] == cut && seen++ == keep) {
          cut_id = j;
          break;
        }
    }
    s.remaining = cut_id;
  }
  __syncthreads();
  const int cut_id = s.remaining;
  for (int j = threadIdx.x; j < vocab; j += kThreads)
    if (x[j] < cut || (x[j] == cut && j >= cut_id)) x[j] = -INFINITY;
  __syncthreads();
}

// Step 8.
__device__ int draw(const float* x, int vocab, double u, Shared& s) {
  const float m = row_max(x, vocab, s);
  if (!isfinite(m)) return row_argmax(x, vocab, s);
  const int chunk = (vocab + kThreads - 1) / kThreads;
  const int begin = min(vocab, static_cast<int>(threadIdx.x) * chunk), end = min(vocab, begin + chunk);
  double sum = 0.0;
  for (int j = begin; j < end; ++j) sum += exp(static_cast<double>(x[j]) - m);
  const double total = detail::block_sum(sum, s.d);
  double cumulative = block_exclusive_scan(sum, s);
  const double target = u * total;
  int first = INT_MAX, last_positive = -1;
  for (int j = begin; j < end; ++j) {
    const double w = exp(static_cast<double>(x[j]) - m);
    if (w <= 0.0) continue;
    cumulative += w;
    last_positive = j;
    if (cumulative > target) {
      first = j;
      break;
    }
  }
  // The smallest crossing id; none (u * total rounded up to the sum): the last positive weight.
  int found = first;
  for (int offset = 16; offset > 0; offset >>= 1) found = min(found, __shfl_xor_sync(0xffffffffu, found, offset));
  __syncthreads();
  if ((threadIdx.x & 31) == 0) s.i[threadIdx.x >> 5] = found;
  __syncthreads();
  if (threadIdx.x == 0) {
    int best = INT_MAX;
    for (int w = 0; w < kThreads / 32; ++w) best = min(best, s.i[w]);
    s.remaining = best;
  }
  __syncthreads();
  found = s.remaining;
  __syncthreads();
  if (found != INT_MAX) return found;
  int last = last_positive;
  for (int offset = 16; offset > 0; offset >>= 1) last = max(last, __shfl_xor_sync(0xffffffffu, last, offset));
  if ((threadIdx.x & 31) == 0) s.i[threadIdx.x >> 5] = last;
  __syncthreads();
  if (threadIdx.x == 0) {
    int best = -1;
    for (int w = 0; w < kThreads / 32; ++w) best = max(best, s.i[w]);
    s.remaining = best < 0 ? 0 : best;
  }
  __syncthreads();
  return s.remaining;
}

__device__ void logprobs(const float* raw, int vocab, int token, int top, SampleRowResult& out, Shared& s) {
  const float m = row_max(raw, vocab, s);
  double local = 0.0;
  long long at_least = 0;
  const float chosen = raw[token];
  for (int j = threadIdx.x; j < vocab; j += kThreads) {
    local += exp(static_cast<double>(raw[j]) - m);
    at_least += raw[j] >= chosen;
  }
  const double log_z = static_cast<double>(m) + log(detail::block_sum(local, s.d));
  const long long rank = detail::block_sum(at_least, s.ll);
  if (threadIdx.x == 0) {
    out.logprob = static_cast<float>(static_cast<double>(chosen) - log_z);
    out.rank = rank;
  }
  // The top entries by repeated argmax below the previous one (value, then id).
  float prev_v = INFINITY;
  int prev_i = -1;
  for (int r = 0; r < top && r < vocab; ++r) {
    float best = -INFINITY;
    int idx = INT_MAX;
    for (int j = threadIdx.x; j < vocab; j += kThreads) {
      const float v = raw[j];
      if (isnan(v) || !(v < prev_v || (v == prev_v && j > prev_i))) continue;
      argmax_combine(best, idx, v, j);
    }
    idx = block_argmax(best, idx, s);
    if (idx == INT_MAX) break;
    prev_v = raw[idx];
    prev_i = idx;
    if (threadIdx.x == 0) {
      out.top_ids[r] = idx;
      out.top_logprobs[r] = static_cast<float>(static_cast<double>(prev_v) - log_z);
    }
  }
}

__global__ void __launch_bounds__(kThreads) sample_kernel(const float* logits, int vocab, const SampleRowParams* params,
                                                          const PenaltyEntry* penalties, const std::int32_t* masked_ids,
                                                          float* work, SampleRowResult* results) {
  __shared__ Shared s;
  const std::int64_t row = blockIdx.x;
  const SampleRowParams p = params[row];
  const float* raw = logits + row * vocab;
  float* x = work + row * vocab;
  for (int j = threadIdx.x; j < vocab; j += kThreads) x[j] = raw[j];
  __syncthreads();
  for (int e = p.masked_begin + threadIdx.x; e < p.masked_end; e += kThreads) {  // step 1
    const int id = masked_ids[e];
    if (id >= 0 && id < vocab) x[id] = -INFINITY;
  }
  __syncthreads();
  for (int e = p.penalty_begin + threadIdx.x; e < p.penalty_end; e += kThreads) {  // step 2 (distinct tokens)
    const PenaltyEntry pe = penalties[e];
    if (pe.token < 0 || pe.token >= vocab) continue;
    float v = x[pe.token];
    if (p.repetition_penalty != 1.0f) v = v > 0.0f ? v / p.repetition_penalty : v * p.repetition_penalty;
    if (pe.output_count > 0) {
      v -= p.frequency_penalty * static_cast<float>(pe.output_count);
      v -= p.presence_penalty;
    }
    x[pe.token] = v;
  }
  __syncthreads();
  int token;
  if (p.temperature < 1e-5f) {  // step 3
    token = row_argmax(x, vocab, s);
  } else {
    if (p.temperature != 1.0f)
      for (int j = threadIdx.x; j < vocab; j += kThreads) x[j] /= p.temperature;  // step 4
    __syncthreads();
    if (p.min_p > 0.0f) {  // step 5
      const float m = row_max(x, vocab, s);
      if (isfinite(m))
        for (int j = threadIdx.x; j < vocab; j += kThreads)
          if (exp(static_cast<double>(x[j]) - m) < static_cast<double>(p.min_p)) x[j] = -INFINITY;
      __syncthreads();
    }
    if (p.top_k > 0 && p.top_k < vocab) {  // step 6
      const float threshold = key_value(kth_largest_key(x, vocab, p.top_k, s));
      for (int j = threadIdx.x; j < vocab; j += kThreads)
        if (x[j] < threshold) x[j] = -INFINITY;
      __syncthreads();
    }
    if (p.top_p < 1.0f) apply_top_p(x, vocab, static_cast<double>(p.top_p), s);  // step 7
    token = draw(x, vocab, detail::philox_uniform(p.key, p.counter), s);          // step 8
  }
  SampleRowResult& out = results[row];
  if (threadIdx.x == 0) out.token = token;
  if (p.num_top_logprobs >= 0) logprobs(raw, vocab, token, min(p.num_top_logprobs, kMaxTopLogprobs), out, s);
}

}  // namespace

void launch_sample(const float* logits, std::int64_t rows, std::int64_t vocab, const SampleRowParams* params,
                   const PenaltyEntry* penalties, const std::int32_t* masked_ids, float* work,
                   SampleRowResult* results, cudaStream_t stream) {
  if (rows <= 0) return;
  if (vocab <= 0 || vocab > INT_MAX / 2)
    check_cuda(cudaErrorInvalidValue, "sample: vocabulary size out of range", __FILE__, __LINE__);
  sample_kernel<<<static_cast<unsigned>(rows), kThreads, 0, stream>>>(logits, static_cast<int>(vocab), params,
                                                                     penalties, masked_ids, work, results);
  LLMCTL_CUDA_CHECK_LAUNCH("sample_kernel");
}

}  // namespace llmctl::cuda
