#include "text/tokenizer/post_processor.hpp"

#include <stdexcept>
#include <string>

namespace llmctl::tok {

using Json = nlohmann::json;

void PostProcessor::apply(std::vector<std::uint32_t>& ids) const {
  if (!prefix.empty()) ids.insert(ids.begin(), prefix.begin(), prefix.end());
  ids.insert(ids.end(), suffix.begin(), suffix.end());
}

namespace {

void add_template(const Json& spec, PostProcessor& out) {
  const Json& special = spec.at("special_tokens");
  bool after_sequence = false;
  for (const Json& piece : spec.at("single")) {
    if (piece.contains("Sequence")) {
      if (after_sequence) throw std::invalid_argument("TemplateProcessing: the single template has two sequences");
      after_sequence = true;
      continue;
    }
    const std::string name = piece.at("SpecialToken").at("id").get<std::string>();
    const auto it = special.find(name);
    if (it == special.end()) throw std::invalid_argument("TemplateProcessing: special token '" + name + "' has no ids");
    auto& target = after_sequence ? out.suffix : out.prefix;
    for (const Json& id : it->at("ids")) target.push_back(id.get<std::uint32_t>());
  }
}

void add_processor(const Json& spec, PostProcessor& out) {
  if (spec.is_null()) return;
  const std::string type = spec.at("type").get<std::string>();
  if (type == "ByteLevel") return;  // it only trims offsets
  if (type == "TemplateProcessing") {
    PostProcessor p;
    add_template(spec, p);
    // A later processor wraps what the earlier ones produced.
    out.prefix.insert(out.prefix.begin(), p.prefix.begin(), p.prefix.end());
    out.suffix.insert(out.suffix.end(), p.suffix.begin(), p.suffix.end());
    return;
  }
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    // "cls": [token, id], "sep": [token, id]
    out.prefix.insert(out.prefix.begin(), spec.at("cls").at(1).get<std::uint32_t>());
    out.suffix.push_back(spec.at("sep").at(1).get<std::uint32_t>());
    return;
  }
  if (type == "Sequence") {
    for (const Json& item : spec.at("processors")) add_processor(item, out);
    return;
  }
  throw std::invalid_argument("unsupported post_processor type '" + type + "'");
}

}  // namespace

PostProcessor make_post_processor(const Json& spec) {
  PostProcessor p;
  add_processor(spec, p);
  return p;
}

}  // namespace llmctl::tok
