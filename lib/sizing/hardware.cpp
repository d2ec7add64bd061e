#include "sizing/hardware.hpp"

#include "util/embedded.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace llmctl {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

Json parse_embedded(std::string_view path) {
  const auto text = embedded::catalog_file(path);
  if (!text) throw runtime_error(fmt::format("catalog/{} is missing from this build", path));
  try {
    return Json::parse(*text);
  } catch (const std::exception& e) {
    throw runtime_error(fmt::format("catalog/{}: {}", path, e.what()));
  }
}

template <typename T>
T field(const Json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || j.at(key).is_null()) throw runtime_error(fmt::format("{}: missing field '{}'", where, key));
  try {
    return j.at(key).get<T>();
  } catch (const std::exception& e) {
    throw runtime_error(fmt::format("{}: field '{}': {}", where, key, e.what()));
  }
}

}  // namespace

std::vector<std::string> closest_names(std::string_view query, const std::vector<std::string>& candidates,
                                       std::size_t limit) {
  const std::string q = lower(query);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& c : candidates) {
    const std::string l = lower(c);
    const bool sub = !q.empty() && (l.find(q) != std::string::npos || q.find(l) != std::string::npos);
    const std::size_t d = sub ? 0 : edit_distance(q, l);
    if (sub || d <= std::max<std::size_t>(2, q.size() / 3)) scored.emplace_back(d, c);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (const auto& [_, name] : scored) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    if (out.size() == limit) break;
  }
  return out;
}

HardwareCatalog HardwareCatalog::from_json(const Json& acc, const Json& inst) {
  HardwareCatalog c;
  for (const Json& a : acc.at("accelerators")) {
    Accelerator x;
    x.name = field<std::string>(a, "name", "accelerators.json");
    const std::string where = "accelerators.json " + x.name;
    if (a.contains("aliases")) x.aliases = a.at("aliases").get<std::vector<std::string>>();
    x.vendor = field<std::string>(a, "vendor", where);
    x.memory = field<std::string>(a, "memory", where);
    x.memory_bytes = field<std::uint64_t>(a, "memory_bytes", where);
    x.usable_bytes = field<std::uint64_t>(a, "usable_bytes", where);
    x.usable_measured = field<bool>(a, "usable_measured", where);
    x.usable_source = field<std::string>(a, "usable_source", where);
    x.bandwidth_gbs = field<double>(a, "bandwidth_gbs", where);
    x.compute_capability = field<std::string>(a, "compute_capability", where);
    x.bf16 = field<bool>(a, "bf16", where);
    x.runtime = field<std::string>(a, "runtime", where);
    c.accelerators_.push_back(std::move(x));
  }
  for (const Json& i : inst.at("instances")) {
    Instance x;
    x.name = field<std::string>(i, "name", "instances.json");
    const std::string where = "instances.json " + x.name;
    x.provider = field<std::string>(i, "provider", where);
    x.gpu = field<std::string>(i, "gpu", where);
    if (!c.find_accelerator(x.gpu)) throw runtime_error(fmt::format("{}: unknown gpu '{}'", where, x.gpu));
    x.gpus = field<std::uint64_t>(i, "gpus", where);
    x.vcpus = field<std::uint64_t>(i, "vcpus", where);
    x.ram_gib = field<double>(i, "ram_gib", where);
    if (i.contains("price_usd_per_hour") && !i.at("price_usd_per_hour").is_null()) {
      x.price_usd_per_hour = i.at("price_usd_per_hour").get<double>();
      x.price_date = field<std::string>(i, "price_date", where);
    }
    x.region = field<std::string>(i, "region", where);
    c.instances_.push_back(std::move(x));
  }
  return c;
}

const HardwareCatalog& HardwareCatalog::embedded() {
  static const HardwareCatalog catalog =
      from_json(parse_embedded("accelerators.json"), parse_embedded("instances.json"));
  return catalog;
}

const Accelerator* HardwareCatalog::find_accelerator(std::string_view name) const {
  const std::string q = lower(name);
  for (const auto& a : accelerators_) {
    if (lower(a.name) == q) return &a;
    for (const auto& alias : a.aliases)
      if (lower(alias) == q) return &a;
  }
  return nullptr;
}

const Instance* HardwareCatalog::find_instance(std::string_view name) const {
  const std::string q = lower(name);
  for (const auto& i : instances_)
    if (lower(i.name) == q) return &i;
  return nullptr;
}

const Accelerator& HardwareCatalog::accelerator(std::string_view name) const {
  if (const Accelerator* a = find_accelerator(name)) return *a;
  std::vector<std::string> names;
  for (const auto& a : accelerators_) {
    names.push_back(a.name);
    names.insert(names.end(), a.aliases.begin(), a.aliases.end());
  }
  const auto close = closest_names(name, names);
  std::string all;
  for (const auto& a : accelerators_) all += (all.empty() ? "" : ", ") + a.name;
  throw usage_error(fmt::format("unknown GPU '{}'", name),
                    close.empty() ? "known GPUs: " + all
                                  : fmt::format("did you mean {}? (known GPUs: {})", fmt::join(close, ", "), all));
}

const Instance& HardwareCatalog::instance(std::string_view name) const {
  if (const Instance* i = find_instance(name)) return *i;
  std::vector<std::string> names;
  for (const auto& i : instances_) names.push_back(i.name);
  const auto close = closest_names(name, names);
  throw usage_error(fmt::format("unknown instance type '{}'", name),
                    close.empty() ? "see `llmctl size <model>` for the instances in the catalog"
                                  : fmt::format("did you mean {}?", fmt::join(close, ", ")));
}

}  // namespace llmctl
