// Decoders of tokenizer.json ("decoder"): ByteLevel, Metaspace, ByteFallback,
// Fuse, Strip, Replace, BPEDecoder, WordPiece and Sequence. Each maps the
// list of token strings to a new list (HF's decode_chain); the tokenizer
// joins the final list.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace llmctl::tok {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

// null JSON gives nullptr; unsupported types throw std::invalid_argument.
std::unique_ptr<Decoder> make_decoder(const nlohmann::json& spec);

}  // namespace llmctl::tok
