// GPT-2's byte <-> character table (bytes_to_unicode): byte-level BPE
// vocabularies spell every byte as a printable character, so a token string
// like "Ġhello" stands for the bytes " hello".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmctl::tok::byte_level {

namespace detail {

constexpr bool printable(unsigned b) {
  return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

// The code point each byte maps to.
constexpr std::array<char32_t, 256> make_code_points() {
  std::array<char32_t, 256> cps{};
  unsigned n = 0;
  for (unsigned b = 0; b < 256; ++b) cps[b] = printable(b) ? b : 256 + n++;
  return cps;
}

struct Utf8 {
  char bytes[2];
  unsigned char size;
};

constexpr std::array<Utf8, 256> make_utf8() {
  const auto cps = make_code_points();
  std::array<Utf8, 256> out{};
  for (unsigned b = 0; b < 256; ++b) {
    const char32_t cp = cps[b];
    if (cp < 0x80) {
      out[b] = {{static_cast<char>(cp), 0}, 1};
    } else {
      out[b] = {{static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))}, 2};
    }
  }
  return out;
}

constexpr std::array<std::int16_t, 324> make_reverse() {
  const auto cps = make_code_points();
  std::array<std::int16_t, 324> rev{};
  for (auto& r : rev) r = -1;
  for (unsigned b = 0; b < 256; ++b) rev[cps[b]] = static_cast<std::int16_t>(b);
  return rev;
}

inline constexpr std::array<Utf8, 256> kUtf8 = make_utf8();
inline constexpr std::array<std::int16_t, 324> kReverse = make_reverse();

}  // namespace detail

// UTF-8 of the character that stands for `byte`.
inline std::string_view char_of(unsigned char byte) {
  const auto& u = detail::kUtf8[byte];
  return {u.bytes, u.size};
}

// The byte a character stands for, or -1 when it is not in the table.
inline int byte_of(char32_t cp) { return cp < detail::kReverse.size() ? detail::kReverse[cp] : -1; }

// Every byte of `raw` as its character.
inline void append_mapped(std::string& out, std::string_view raw) {
  for (const char c : raw) out += char_of(static_cast<unsigned char>(c));
}

}  // namespace llmctl::tok::byte_level
