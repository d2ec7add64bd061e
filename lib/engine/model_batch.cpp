#include "engine/model_runner.hpp"

#include <stdexcept>

namespace llmctl::engine {

ModelBatch make_model_batch(const SchedulerOutput& plan, std::int64_t block_size) {
  ModelBatch batch;
  batch.block_size = block_size;
  batch.token_ids.reserve(static_cast<std::size_t>(plan.total_num_tokens));
  batch.positions.reserve(static_cast<std::size_t>(plan.total_num_tokens));
  batch.slot_mapping.reserve(static_cast<std::size_t>(plan.total_num_tokens));
  batch.query_start.push_back(0);
  for (const ScheduledSequence& s : plan.seqs) {
    const Sequence& seq = *s.seq;
    const auto tokens = seq.token_ids();
    const auto& table = seq.block_table();
    const std::int64_t end = s.start + s.num_tokens;
    if (end > seq.num_tokens() || (end + block_size - 1) / block_size > static_cast<std::int64_t>(table.size()))
      throw std::logic_error("make_model_batch: the scheduled range has no KV slots");
    for (std::int64_t pos = s.start; pos < end; ++pos) {
      batch.token_ids.push_back(tokens[static_cast<std::size_t>(pos)]);
      batch.positions.push_back(static_cast<std::int32_t>(pos));
      batch.slot_mapping.push_back(static_cast<std::int64_t>(table[static_cast<std::size_t>(pos / block_size)]) *
                                       block_size +
                                   pos % block_size);
    }
    batch.query_start.push_back(static_cast<std::int32_t>(batch.token_ids.size()));
    batch.seq_lens.push_back(static_cast<std::int32_t>(end));
    batch.block_tables.emplace_back(table.begin(), table.begin() + (end + block_size - 1) / block_size);
    if (s.needs_logits) batch.logits_indices.push_back(static_cast<std::int32_t>(batch.token_ids.size()) - 1);
  }
  return batch;
}

void Logits::resize(std::int64_t rows, std::int64_t vocab) {
  num_rows = rows;
  vocab_size = vocab;
  values.assign(static_cast<std::size_t>(rows * vocab), 0.0f);
}

std::span<const float> Logits::row(std::int64_t r) const {
  if (r < 0 || r >= num_rows) throw std::out_of_range("Logits::row");
  return std::span<const float>(values).subspan(static_cast<std::size_t>(r * vocab_size),
                                                static_cast<std::size_t>(vocab_size));
}

std::span<float> Logits::row(std::int64_t r) {
  if (r < 0 || r >= num_rows) throw std::out_of_range("Logits::row");
  return std::span<float>(values).subspan(static_cast<std::size_t>(r * vocab_size),
                                          static_cast<std::size_t>(vocab_size));
}

}  // namespace llmctl::engine
