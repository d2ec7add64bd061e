#include "text/tokenizer/normalizer.hpp"

#include "text/tokenizer/byte_level.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <stdexcept>

namespace llmctl::tok {

namespace {

using Json = nlohmann::json;

class UnicodeNormalizer final : public Normalizer {
 public:
  explicit UnicodeNormalizer(unicode::NormalForm form) : form_(form) {}
  void normalize(Piece& piece) const override {
    std::string& s = piece.text;
    // ASCII is invariant under every normal form and is most text: normalize
    // only from the character before the first non-ASCII byte (it may compose
    // with a following combining mark).
    const auto first = std::find_if(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    if (first == s.end()) return;
    std::size_t from = static_cast<std::size_t>(first - s.begin());
    if (from > 0) --from;
    const std::string head = piece.origin > 0 ? unicode::normalize(std::string_view(s).substr(0, piece.origin), form_)
                                              : std::string();
    std::string tail = unicode::normalize(std::string_view(s).substr(from), form_);
    s.resize(from);
    s += tail;
    if (piece.origin > 0) {
      // The characters the first input character became (it may also have
      // composed with the next one, then the composite is it).
      std::size_t n = 0;
      while (n < head.size() && n < s.size() && head[n] == s[n]) ++n;
      if (n == 0) {
        std::size_t i = 0;
        if (!s.empty()) unicode::next(s, i);
        n = i;
      }
      while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
      piece.origin = n;
    }
  }

 private:
  unicode::NormalForm form_;
};

class Lowercase final : public Normalizer {
 public:
  void normalize(Piece& piece) const override {
    const std::string& s = piece.text;
    std::string out;
    out.reserve(s.size());
    std::size_t new_origin = 0;
    for (std::size_t i = 0; i < s.size();) {
      if (i == piece.origin) new_origin = out.size();
      unicode::append_lowercase(out, unicode::next(s, i));
    }
    if (piece.origin >= s.size()) new_origin = out.size();
    if (piece.origin == 0) new_origin = 0;
    piece.text = std::move(out);
    piece.origin = new_origin;
  }
};

class Strip final : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(Piece& piece) const override {
    std::string& s = piece.text;
    std::size_t begin = 0, end = s.size();
    if (left_) {
      while (begin < end) {
        std::size_t i = begin;
        if (!unicode::is_whitespace(unicode::next(s, i))) break;
        begin = i;
      }
    }
    if (right_) {
      while (end > begin) {
        std::size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        std::size_t i = start;
        if (!unicode::is_whitespace(unicode::next(s, i))) break;
        end = start;
      }
    }
    piece.origin = piece.origin > begin ? std::min(piece.origin, end) - begin : 0;
    s = s.substr(begin, end - begin);
  }

 private:
  bool left_, right_;
};

class StripAccents final : public Normalizer {
 public:
  void normalize(Piece& piece) const override {
    const std::string& s = piece.text;
    std::string out;
    out.reserve(s.size());
    std::size_t new_origin = 0;
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t at = i;
      const char32_t c = unicode::next(s, i);
      if (utf8proc_category(static_cast<utf8proc_int32_t>(c)) == UTF8PROC_CATEGORY_MN) continue;
      unicode::append(out, c);
      if (at < piece.origin) new_origin = out.size();
    }
    piece.text = std::move(out);
    piece.origin = new_origin;
  }
};

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(Piece& piece) const override {
    if (piece.text.empty()) return;
    piece.text.insert(0, prefix_);
    // The prefix is aligned with the first character, so it is at the origin when that is.
    if (piece.origin > 0) piece.origin += prefix_.size();
  }

 private:
  std::string prefix_;
};

class Replace final : public Normalizer {
 public:
  Replace(Regex pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void normalize(Piece& piece) const override {
    const std::string& s = piece.text;
    std::string out;
    out.reserve(s.size());
    std::size_t new_origin = 0;
    for (const Span& span : pattern_.partition(s)) {
      if (span.match) {
        out += content_;
      } else {
        out.append(s, span.begin, span.end - span.begin);
      }
      if (span.begin < piece.origin) {
        new_origin = span.match ? out.size() : out.size() - (span.end - std::min(span.end, piece.origin));
      }
    }
    piece.text = std::move(out);
    piece.origin = new_origin;
  }

 private:
  Regex pattern_;
  std::string content_;
};

class ByteLevelNormalizer final : public Normalizer {
 public:
  void normalize(Piece& piece) const override {
    const std::size_t origin = piece.origin;
    std::string out;
    out.reserve(piece.text.size() * 2);
    std::size_t new_origin = 0;
    for (std::size_t i = 0; i < piece.text.size(); ++i) {
      out += byte_level::char_of(static_cast<unsigned char>(piece.text[i]));
      if (i < origin) new_origin = out.size();
    }
    piece.text = std::move(out);
    piece.origin = new_origin;
  }
};

class Sequence final : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
  void normalize(Piece& piece) const override {
    for (const auto& step : steps_) step->normalize(piece);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

}  // namespace

Regex make_pattern(const Json& spec) {
  if (spec.is_object() && spec.contains("String")) return Regex::literal(spec.at("String").get<std::string>());
  if (spec.is_object() && spec.contains("Regex")) return Regex(spec.at("Regex").get<std::string>());
  throw std::invalid_argument("pattern must be {\"String\": ...} or {\"Regex\": ...}, got " + spec.dump());
}

std::unique_ptr<Normalizer> make_normalizer(const Json& spec) {
  if (spec.is_null()) return nullptr;
  const std::string type = spec.at("type").get<std::string>();
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(unicode::NormalForm::nfc);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(unicode::NormalForm::nfd);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(unicode::NormalForm::nfkc);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(unicode::NormalForm::nfkd);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "StripAccents") return std::make_unique<StripAccents>();
  if (type == "ByteLevel") return std::make_unique<ByteLevelNormalizer>();
  if (type == "Strip") {
    return std::make_unique<Strip>(spec.value("strip_left", true), spec.value("strip_right", true));
  }
  if (type == "Prepend") return std::make_unique<Prepend>(spec.at("prepend").get<std::string>());
  if (type == "Replace") {
    return std::make_unique<Replace>(make_pattern(spec.at("pattern")), spec.at("content").get<std::string>());
  }
  if (type == "Sequence") {
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (const auto& item : spec.at("normalizers")) {
      if (auto step = make_normalizer(item)) steps.push_back(std::move(step));
    }
    return std::make_unique<Sequence>(std::move(steps));
  }
  throw std::invalid_argument("unsupported normalizer type '" + type + "'");
}

}  // namespace llmctl::tok
