#include "backend/cpu/attention.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace llmctl::backend::cpu {

void write_kv(const engine::ModelBatch& batch, const float* k, const float* v, const KvLayerView& cache) {
  const std::int64_t row = cache.kv_heads * cache.head_dim;
  for (std::int64_t t = 0; t < batch.num_tokens(); ++t) {
    const std::int64_t slot = batch.slot_mapping[static_cast<std::size_t>(t)];
    if (slot < 0 || slot >= cache.num_slots)
      throw runtime_error(fmt::format("KV slot {} is outside the cache ({} slots)", slot, cache.num_slots));
    std::memcpy(cache.k + slot * row, k + t * row, static_cast<std::size_t>(row) * sizeof(float));
    std::memcpy(cache.v + slot * row, v + t * row, static_cast<std::size_t>(row) * sizeof(float));
  }
}

void attend(const Kernels& k, const engine::ModelBatch& batch, const float* q, std::int64_t heads,
            const KvLayerView& cache, std::int64_t window, float* out) {
  const std::int64_t D = cache.head_dim, kvh = cache.kv_heads, group = heads / kvh, B = batch.block_size;
  const std::int64_t kv_row = kvh * D;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  // Token -> sequence, so (token, head) pairs parallelise flat.
  std::vector<std::int32_t> seq_of(static_cast<std::size_t>(batch.num_tokens()));
  for (std::int64_t i = 0; i < batch.num_seqs(); ++i)
    for (std::int32_t t = batch.query_start[static_cast<std::size_t>(i)]; t < batch.query_start[static_cast<std::size_t>(i) + 1]; ++t)
      seq_of[static_cast<std::size_t>(t)] = static_cast<std::int32_t>(i);
  const std::int64_t work = batch.num_tokens() * heads;
#pragma omp parallel if (work > 1)
  {
    std::vector<float> scores;
#pragma omp for schedule(dynamic, 4)
    for (std::int64_t w = 0; w < work; ++w) {
      const std::int64_t t = w / heads, h = w % heads, g = h / group;
      const auto& table = batch.block_tables[static_cast<std::size_t>(seq_of[static_cast<std::size_t>(t)])];
      const std::int64_t pos = batch.positions[static_cast<std::size_t>(t)];
      const std::int64_t first = window > 0 ? std::max<std::int64_t>(0, pos - window + 1) : 0;
      const std::int64_t n = pos + 1 - first;  // causal (and windowed): keys first..pos
      const float* qv = q + (t * heads + h) * D;
      scores.resize(static_cast<std::size_t>(n));
      float max = -std::numeric_limits<float>::infinity();
      for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t p = first + i;
        const std::int64_t slot = static_cast<std::int64_t>(table[static_cast<std::size_t>(p / B)]) * B + p % B;
        const float s = k.dot(qv, cache.k + slot * kv_row + g * D, D) * scale;
        scores[static_cast<std::size_t>(i)] = s;
        max = std::max(max, s);
      }
      float sum = 0.0f;  // softmax in fp32: exp(s - max) / sum
      for (float& s : scores) sum += (s = std::exp(s - max));
      const float inv = 1.0f / sum;
      float* o = out + (t * heads + h) * D;
      std::fill(o, o + D, 0.0f);
      for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t p = first + i;
        const std::int64_t slot = static_cast<std::int64_t>(table[static_cast<std::size_t>(p / B)]) * B + p % B;
        k.axpy(scores[static_cast<std::size_t>(i)] * inv, cache.v + slot * kv_row + g * D, o, D);
      }
    }
  }
}

}  // namespace llmctl::backend::cpu
