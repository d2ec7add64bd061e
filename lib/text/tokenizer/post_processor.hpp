// Post-processors of tokenizer.json ("post_processor") for one sequence:
// TemplateProcessing (BOS/EOS and friends), Bert/RobertaProcessing,
// ByteLevel (offsets only, so no change to ids) and Sequence.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace llmctl::tok {

// The ids to put before and after a single sequence when special tokens are added.
struct PostProcessor {
  std::vector<std::uint32_t> prefix;
  std::vector<std::uint32_t> suffix;

  void apply(std::vector<std::uint32_t>& ids) const;
};

// null JSON gives an empty PostProcessor; unsupported types throw std::invalid_argument.
PostProcessor make_post_processor(const nlohmann::json& spec);

}  // namespace llmctl::tok
