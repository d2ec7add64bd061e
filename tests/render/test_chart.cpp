// AI-on-EKS inference chart compatibility: its values files render the
// chart's Deployment and Service (names, component label, vllm serve
// arguments, the hf-token Secret, port 8000 "http", GPUs, /dev/shm, a startup
// probe on /health), with llmctl's additions; unknown keys are named.
#include "render/values.hpp"
#include "render_fixtures.hpp"

#include <unistd.h>

using namespace llmctl;
using namespace llmctl::test;

namespace {

const Json& find(const render::RenderResult& r, const std::string& kind) {
  for (const auto& m : r.manifests)
    if (m.object["kind"] == kind) return m.object;
  FAIL("no " << kind);
  return r.manifests.front().object;
}

}  // namespace

TEST_CASE("chart: the guide's values file renders the chart's Deployment and Service") {
  const auto r = render_args("-f tests/data/render/values-qwen3-1.7b-vllm.yaml");
  CHECK(r.warnings.empty());
  REQUIRE(r.manifests.size() == 2);
  const Json& d = find(r, "Deployment");
  const Json& s = find(r, "Service");
  CHECK(d["metadata"]["name"] == Json("qwen3-1-7b-vllm"));
  CHECK(d["metadata"]["namespace"] == Json("default"));
  CHECK(d["metadata"]["labels"]["app.kubernetes.io/component"] == Json("qwen3-1-7b-vllm"));
  CHECK(d["spec"]["replicas"] == Json(1));
  CHECK(d["spec"]["selector"]["matchLabels"] == Json{{"app.kubernetes.io/component", "qwen3-1-7b-vllm"}});
  const Json& pod = d["spec"]["template"]["spec"];
  CHECK(d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == Json("qwen3-1-7b-vllm"));
  const Json& c = pod["containers"][0];
  CHECK(c["image"] == Json("vllm/vllm-openai:v0.10.2"));
  CHECK(c["imagePullPolicy"] == Json("IfNotPresent"));
  // The chart's `vllm serve Qwen/Qwen3-1.7B --max-model-len 8192 --tensor-parallel-size 1`, plus the sizing's flags.
  CHECK(c["command"] == Json::array({"vllm", "serve"}));
  CHECK(c["args"][0] == Json("Qwen/Qwen3-1.7B"));
  std::string args;
  for (const auto& a : c["args"]) args += a.get<std::string>() + " ";
  CHECK(args.find("--max-model-len 8192 --tensor-parallel-size 1 ") != std::string::npos);
  CHECK(c["env"][0] == Json{{"name", "HF_TOKEN"},
                            {"valueFrom", {{"secretKeyRef", {{"name", "hf-token"}, {"key", "token"}, {"optional", true}}}}}});
  CHECK(c["ports"][0]["containerPort"] == Json(8000));
  CHECK(c["ports"][0]["name"] == Json("http"));
  CHECK(c["resources"]["limits"]["nvidia.com/gpu"] == Json(1));
  CHECK(c["resources"]["requests"].contains("cpu"));  // the chart's pod is BestEffort; ours is not
  CHECK(c["volumeMounts"][0] == Json{{"name", "dshm"}, {"mountPath", "/dev/shm"}});
  CHECK(c["startupProbe"]["httpGet"]["path"] == Json("/health"));
  CHECK(c["startupProbe"]["failureThreshold"].get<int>() * c["startupProbe"]["periodSeconds"].get<int>() >= 600);
  CHECK(pod["serviceAccountName"] == Json("default"));
  CHECK(s["metadata"]["name"] == Json("qwen3-1-7b-vllm"));
  CHECK(s["spec"]["type"] == Json("ClusterIP"));
  CHECK(s["spec"]["ports"][0] == Json{{"name", "http"}, {"port", 8000}, {"targetPort", "http"}, {"protocol", "TCP"}});
  CHECK(s["spec"]["selector"] == Json{{"app.kubernetes.io/component", "qwen3-1-7b-vllm"}});
}

TEST_CASE("chart: its keys drive the rendering; flags win over -f and --set") {
  const auto r = render_args(
      "-f tests/data/render/values-qwen3-1.7b-vllm.yaml --set inference.modelServer.deployment.instanceType=g6e.xlarge "
      "--set inference.serviceNamespace=llm --set inference.modelServer.env.VLLM_LOGGING_LEVEL=DEBUG "
      "--set inference.modelServer.deployment.tolerations[0].key=dedicated "
      "--set inference.modelServer.deployment.tolerations[0].operator=Exists --set service.type=LoadBalancer "
      "--set hfTokenSecret.name=my-token --set extraLabels.team=ml --set global.image.pullPolicy=Always "
      "--set inference.modelServer.deployment.sharedMemory=4Gi --replicas 3");
  const Json& d = find(r, "Deployment");
  const Json& pod = d["spec"]["template"]["spec"];
  CHECK(d["metadata"]["namespace"] == Json("llm"));
  CHECK(d["spec"]["replicas"] == Json(3));
  CHECK(d["metadata"]["labels"]["team"] == Json("ml"));
  CHECK(pod["nodeSelector"]["node.kubernetes.io/instance-type"] == Json("g6e.xlarge"));
  CHECK(pod["tolerations"][1] == Json{{"key", "dedicated"}, {"operator", "Exists"}});
  CHECK(pod["containers"][0]["env"][0] == Json{{"name", "VLLM_LOGGING_LEVEL"}, {"value", "DEBUG"}});
  CHECK(pod["containers"][0]["env"][1]["valueFrom"]["secretKeyRef"]["name"] == Json("my-token"));
  CHECK(pod["containers"][0]["imagePullPolicy"] == Json("Always"));
  CHECK(pod["volumes"][0]["emptyDir"]["sizeLimit"] == Json("4Gi"));
  CHECK(find(r, "Service")["spec"]["type"] == Json("LoadBalancer"));
  // --name and --context over the file.
  const auto flags = render_args("-f tests/data/render/values-qwen3-1.7b-vllm.yaml --name my-llm --context 4096");
  CHECK(find(flags, "Deployment")["metadata"]["name"] == Json("my-llm"));
  std::string args;
  for (const auto& a : find(flags, "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"])
    args += a.get<std::string>() + " ";
  CHECK(args.find("--max-model-len 4096 ") != std::string::npos);
}

TEST_CASE("chart: GPUs from resources.gpu set the TP; lws-vllm forces a LeaderWorkerSet") {
  const auto r = render_args(
      "qwen3-32b --instance g6e.12xlarge --context 8192 "
      "--set inference.modelServer.deployment.resources.gpu.limits.nvidia\\.com/gpu=4 "
      "--set inference.modelServer.deployment.resources.gpu.requests.nvidia\\.com/gpu=4");
  const Json& c = find(r, "Deployment")["spec"]["template"]["spec"]["containers"][0];
  CHECK(c["resources"]["limits"]["nvidia.com/gpu"] == Json(4));
  std::string args;
  for (const auto& a : c["args"]) args += a.get<std::string>() + " ";
  CHECK(args.find("--tensor-parallel-size 4 ") != std::string::npos);
  const auto lws = render_args("qwen3-8b --instance g6e.xlarge --context 8192 --set inference.framework=lws-vllm");
  CHECK(find(lws, "LeaderWorkerSet")["spec"]["leaderWorkerTemplate"]["size"] == Json(1));
}

TEST_CASE("chart: keys llmctl does not use are named in one warning per file") {
  const auto dir = std::filesystem::temp_directory_path() / ("llmctl-render-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "values-extra.yaml";
  std::ofstream(file) << "model: Qwen/Qwen3-1.7B\nfluentbit:\n  image: {tag: 3.2.2}\ninference:\n  rayOptions: {}\n"
                         "  modelServer:\n    deployment:\n      instanceType: g6.2xlarge\n";
  render::RenderRequest req;
  req.values_files = {file};
  req.sets = {"vllm.logLevel=debug"};
  const auto r = render::render_deployment(req, [](const std::string&) {});
  REQUIRE(r.warnings.size() == 2);
  CHECK(r.warnings[0] == file.string() + ": ignoring keys llmctl render does not use: fluentbit, inference.rayOptions");
  CHECK(r.warnings[1] == "--set vllm.logLevel: ignoring key llmctl render does not use: vllm");
  std::filesystem::remove_all(dir);
}

TEST_CASE("chart: no model anywhere, a local path, a bad name") {
  CHECK(catch_error([] { render::render_deployment({}, [](const std::string&) {}); }).message == "no model to render");
  CHECK(catch_error([] { render_args("qwen3-1.7b --name Qwen3"); }).code == ExitCode::usage);
  CHECK(catch_error([] { render_args("qwen3-1.7b --namespace a_b"); }).code == ExitCode::usage);
  CHECK(catch_error([] { render_args("qwen3-1.7b --with gpus"); }).message == "--with: unknown object 'gpus'");
  render::RenderRequest req;
  req.model = (test_data() / "model" / "tiny-llama").string();
  const auto local = catch_error([&] { render::render_deployment(req, [](const std::string&) {}); });
  CHECK(local.code == ExitCode::usage);
  CHECK(local.message.ends_with("is a local path: the pods cannot download it"));
}
