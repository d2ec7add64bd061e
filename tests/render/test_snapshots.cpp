// Snapshots: `llmctl render` for several models and instances (one GPU, TP=4
// on one node, two models per node, two nodes through a LeaderWorkerSet, the
// guide's values file, SGLang, llmctl serve, HPA + HTTPRoute, nginx Ingress)
// must print exactly tests/data/render/snapshots/NAME.yaml.
// LLMCTL_UPDATE_SNAPSHOTS=1 rewrites them instead (review the diff).
#include "render/manifests.hpp"
#include "render_fixtures.hpp"

#include <cstdlib>

using namespace llmctl;
using namespace llmctl::test;

namespace {

struct Snapshot {
  std::string name;
  std::string args;
};

std::vector<Snapshot> snapshots() {
  std::vector<Snapshot> out;
  std::istringstream lines(read_text(test_data() / "render" / "snapshots.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() == '#') continue;
    const std::size_t bar = line.find('|');
    REQUIRE(bar != std::string::npos);
    const auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(' '));
      s.erase(s.find_last_not_of(' ') + 1);
      return s;
    };
    out.push_back({trim(line.substr(0, bar)), trim(line.substr(bar + 1))});
  }
  return out;
}

}  // namespace

TEST_CASE("render snapshots: every case prints its snapshot byte for byte") {
  const char* update_env = std::getenv("LLMCTL_UPDATE_SNAPSHOTS");
  const bool update = update_env != nullptr && *update_env != '\0';
  const auto all = snapshots();
  CHECK(all.size() >= 8);
  for (const Snapshot& s : all) {
    CAPTURE(s.name);
    const std::string actual = render::manifests_yaml(render_args(s.args).manifests);
    const auto path = test_data() / "render" / "snapshots" / (s.name + ".yaml");
    if (update) {
      std::ofstream(path, std::ios::binary) << actual;
      continue;
    }
    REQUIRE_MESSAGE(std::filesystem::exists(path), "no snapshot " << path << ": run with LLMCTL_UPDATE_SNAPSHOTS=1");
    CHECK_MESSAGE(actual == read_text(path), "llmctl render " << s.args << " differs from " << path);
  }
}

TEST_CASE("render snapshots: the kinds each case renders") {
  const auto kinds = [](const std::string& args) {
    std::string out;
    for (const auto& m : render_args(args).manifests) out += m.object["kind"].get<std::string>() + " ";
    return out;
  };
  CHECK(kinds("qwen3-1.7b --instance g6.2xlarge") == "Service Deployment ");
  CHECK(kinds("deepseek-v3 --instance p5.48xlarge --context 32768") == "Service LeaderWorkerSet ");
  CHECK(kinds("qwen3-8b --instance g6e.xlarge --with autoscaling,pdb,cache,monitoring,ingress --set "
              "cache.storageClassName=efs") ==
        "PersistentVolumeClaim Service Deployment PodDisruptionBudget ScaledObject ServiceMonitor Ingress ");
  CHECK(kinds("qwen3-8b --instance g6e.xlarge --with autoscaling,ingress --set autoscaling.type=hpa --set "
              "ingress.type=httproute --set ingress.gateway.name=gw") ==
        "Service Deployment HorizontalPodAutoscaler HTTPRoute ");
}
