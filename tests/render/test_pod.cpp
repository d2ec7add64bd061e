// What the issue asks of the pod, checked on the rendered objects: GPU limits
// and cpu/memory requests from the instance (never BestEffort), the node
// selector, the GPU toleration, /health probes with a start-up budget scaled
// to the model, /dev/shm sized for TP, no privilege escalation, a drain-long
// grace period, labels, and the engine's arguments from the sizing.
#include "render_fixtures.hpp"

using namespace llmctl;
using namespace llmctl::test;

namespace {

Json workload(const render::RenderResult& r, const std::string& kind = "Deployment") {
  for (const auto& m : r.manifests)
    if (m.object["kind"] == kind) return m.object;
  FAIL("no " << kind);
  return {};
}

Json container(const Json& deployment) { return deployment["spec"]["template"]["spec"]["containers"][0]; }

std::string args_line(const Json& c) {
  std::string out;
  for (const auto& a : c["args"]) out += (out.empty() ? "" : " ") + a.get<std::string>();
  return out;
}

}  // namespace

TEST_CASE("pod: qwen3-1.7b on g6.2xlarge") {
  const Json d = workload(render_args("qwen3-1.7b --instance g6.2xlarge"));
  const Json pod = d["spec"]["template"]["spec"];
  const Json c = container(d);
  CHECK(c["resources"]["limits"]["nvidia.com/gpu"] == Json(1));
  CHECK(c["resources"]["requests"]["cpu"] == Json("6"));       // 85% of 8 vCPUs
  CHECK(c["resources"]["requests"]["memory"] == Json("27Gi"));  // 85% of 32 GiB
  CHECK(c["resources"]["limits"]["memory"] == Json("27Gi"));
  CHECK(pod["nodeSelector"]["node.kubernetes.io/instance-type"] == Json("g6.2xlarge"));
  CHECK(pod["tolerations"][0] == Json{{"key", "nvidia.com/gpu"}, {"operator", "Exists"}, {"effect", "NoSchedule"}});
  for (const char* probe : {"startupProbe", "readinessProbe", "livenessProbe"})
    CHECK(c[probe]["httpGet"]["path"] == Json("/health"));
  CHECK(c["startupProbe"]["failureThreshold"].get<int>() * c["startupProbe"]["periodSeconds"].get<int>() >= 600);
  CHECK(c["securityContext"]["allowPrivilegeEscalation"] == Json(false));
  CHECK(pod["volumes"][0]["emptyDir"] == Json{{"medium", "Memory"}, {"sizeLimit", "1Gi"}});
  CHECK(pod["terminationGracePeriodSeconds"].get<int>() >= 60);
  CHECK(pod["enableServiceLinks"] == Json(false));  // a Service named vllm must not inject VLLM_PORT
  CHECK(d["spec"]["selector"]["matchLabels"] == Json{{"app.kubernetes.io/component", "qwen3-1-7b-vllm"}});
  CHECK(pod["containers"][0]["ports"][0] == Json{{"name", "http"}, {"containerPort", 8000}, {"protocol", "TCP"}});
  CHECK(args_line(c) ==
        "Qwen/Qwen3-1.7B --served-model-name Qwen/Qwen3-1.7B --max-model-len 40960 --tensor-parallel-size 1 "
        "--gpu-memory-utilization 0.9 --max-num-seqs 3 --reasoning-parser qwen3");
  CHECK(c["command"] == Json::array({"vllm", "serve"}));
}

TEST_CASE("pod: the start-up budget grows with the weights, /dev/shm with TP") {
  const Json small = container(workload(render_args("qwen3-1.7b --instance g6.2xlarge")));
  const Json big = container(workload(render_args("llama-3.1-70b --instance g6e.12xlarge --context 32768")));
  CHECK(big["startupProbe"]["failureThreshold"].get<int>() > small["startupProbe"]["failureThreshold"].get<int>());
  CHECK(big["startupProbe"]["failureThreshold"] == Json(172));  // 300 s + 10 s/GB of 141 GB, in 10 s periods
  const Json d = workload(render_args("llama-3.1-70b --instance g6e.12xlarge --context 32768"));
  CHECK(d["spec"]["template"]["spec"]["volumes"][0]["emptyDir"]["sizeLimit"] == Json("7Gi"));  // 1 + 2 x 3
  CHECK(args_line(container(d)).find("--tensor-parallel-size 4") != std::string::npos);
}

TEST_CASE("pod: two models per node get half the node") {
  const Json c = container(workload(render_args("llama-3.1-70b --instance p4d.24xlarge --tp 4 --context 8192")));
  CHECK(c["resources"]["requests"]["cpu"] == Json("40"));      // 85% of 48 of 96 vCPUs
  CHECK(c["resources"]["requests"]["memory"] == Json("489Gi"));  // 85% of 576 of 1152 GiB
  CHECK(c["resources"]["limits"]["nvidia.com/gpu"] == Json(4));
}

TEST_CASE("pod: a bare --gpu has no node selector and per-GPU requests") {
  const auto r = render_args("qwen3-0.6b --gpu L4 --context 8192");
  const Json pod = workload(r)["spec"]["template"]["spec"];
  CHECK(!pod.contains("nodeSelector"));
  CHECK(pod["containers"][0]["resources"]["requests"]["cpu"] == Json("4"));
  CHECK(pod["containers"][0]["resources"]["requests"]["memory"] == Json("16Gi"));
}

TEST_CASE("engine: multi-node vLLM runs a Ray cluster over a LeaderWorkerSet group") {
  const auto r = render_args("deepseek-v3 --instance p5.48xlarge --context 32768");
  const Json lws = workload(r, "LeaderWorkerSet");
  const Json group = lws["spec"]["leaderWorkerTemplate"];
  CHECK(group["size"] == Json(2));
  const Json leader = group["leaderTemplate"]["spec"]["containers"][0];
  const Json worker = group["workerTemplate"]["spec"]["containers"][0];
  const std::string script = leader["command"][2].get<std::string>();
  CHECK(script.find("multi-node-serving.sh leader --ray_cluster_size=$(LWS_GROUP_SIZE) && exec vllm serve "
                    "deepseek-ai/DeepSeek-V3") != std::string::npos);
  CHECK(script.find("--tensor-parallel-size 8 --pipeline-parallel-size 2") != std::string::npos);
  CHECK(worker["command"][2].get<std::string>().find("worker --ray_address=$(LWS_LEADER_ADDRESS)") != std::string::npos);
  CHECK(leader.contains("readinessProbe"));
  CHECK(!worker.contains("readinessProbe"));
  CHECK(leader["resources"]["limits"]["nvidia.com/gpu"] == Json(8));
  CHECK(group["leaderTemplate"]["metadata"]["labels"]["role"] == Json("leader"));
  const Json service = workload(r, "Service");
  CHECK(service["spec"]["selector"] ==
        Json{{"app.kubernetes.io/component", "deepseek-v3-vllm"}, {"role", "leader"}});
  CHECK(group["leaderTemplate"]["spec"]["volumes"][0]["emptyDir"]["sizeLimit"] == Json("15Gi"));
}

TEST_CASE("engine: SGLang and llmctl serve") {
  const Json s = container(workload(render_args("qwen3-8b --instance g6e.xlarge --engine sglang --context 32768")));
  CHECK(s["command"] == Json::array({"python3", "-m", "sglang.launch_server"}));
  const std::string sa = args_line(s);
  CHECK(sa.find("--model-path Qwen/Qwen3-8B") == 0);
  CHECK(sa.find("--context-length 32768 --tp 1 --mem-fraction-static 0.9") != std::string::npos);
  CHECK(sa.find("--enable-metrics --reasoning-parser qwen3") != std::string::npos);
  const Json l = container(workload(render_args("qwen3-0.6b --gpu L4 --engine llmctl --context 8192 --concurrency 16")));
  CHECK(l["command"] == Json::array({"llmctl", "serve"}));
  CHECK(args_line(l) ==
        "Qwen/Qwen3-0.6B --host 0.0.0.0 --port 8000 --served-model-name Qwen/Qwen3-0.6B --max-model-len 8192 "
        "--max-num-seqs 16 --gpu-memory-utilization 0.9 --reasoning-parser qwen3");
  const auto e = catch_error([] { render_args("qwen3-8b --engine llmctl --instance g6.12xlarge --tp 2"); });
  CHECK(e.code == ExitCode::usage);
}

TEST_CASE("engine: T4 runs a bf16 model in half precision; modelParameters pass through") {
  const Json c = container(workload(render_args("qwen3-1.7b --instance g4dn.xlarge --context 8192 --set "
                                                "modelParameters.enablePrefixCaching=true --set "
                                                "modelParameters.disableLogStats=false --set "
                                                "modelParameters.kvCacheDtype=fp8")));
  const std::string a = args_line(c);
  CHECK(a.find("--dtype half") != std::string::npos);
  CHECK(a.ends_with("--enable-prefix-caching --kv-cache-dtype fp8"));
  CHECK(a.find("disable-log-stats") == std::string::npos);
}

TEST_CASE("engine: the reasoning parser by model") {
  const Json q = container(workload(render_args("qwen3-8b --instance g6e.xlarge --context 8192")));
  CHECK(args_line(q).find("--reasoning-parser qwen3") != std::string::npos);
  const Json l = container(workload(render_args("llama-3.1-8b --instance g6e.xlarge --context 8192")));
  CHECK(args_line(l).find("--reasoning-parser") == std::string::npos);
}

TEST_CASE("autoscaling: no replicas on the workload, KEDA on the queue of this Service") {
  const auto r = render_args("qwen3-8b --instance g6e.xlarge --context 8192 --replicas 2 --with autoscaling,monitoring");
  CHECK(!workload(r)["spec"].contains("replicas"));
  const Json so = workload(r, "ScaledObject");
  CHECK(so["spec"]["minReplicaCount"] == Json(2));
  CHECK(so["spec"]["maxReplicaCount"] == Json(4));
  CHECK(so["spec"]["triggers"][0]["metadata"]["query"] ==
        Json("sum(vllm:num_requests_waiting{namespace=\"default\",service=\"qwen3-8b-vllm\"})"));
  CHECK(so["spec"]["triggers"][0]["metadata"]["threshold"] == Json("5"));
  const auto lws = render_args("deepseek-v3 --instance p5.48xlarge --context 32768 --with autoscaling");
  CHECK(workload(lws, "ScaledObject")["spec"]["scaleTargetRef"]["kind"] == Json("LeaderWorkerSet"));
  CHECK(!lws.warnings.empty());  // no monitoring: says where the metric must come from
}
