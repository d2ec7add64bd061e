"""`llmctl render`: the snapshots, every rendered object valid for Kubernetes
(kubernetes-validate, strict, the oldest and newest versions it ships) and for
its CRD (LeaderWorkerSet, ScaledObject, ServiceMonitor from
../shared/data/k8s-crds, with unknown fields rejected), `kubectl apply
--dry-run=client` against a discovery-only API server, the AI-on-EKS guide's
values file, Python jinja2 rendering the same bytes from the same context, and
the exit codes. LLMCTL_UPDATE_SNAPSHOTS=1 rewrites the snapshots."""
import json
import os
import shlex
import shutil
import subprocess

import jinja2
import jsonschema
import kubernetes_validate
import pytest
import yaml

from conftest import ROOT
from kube_fakes import FakeApiServer, crd_schema

DATA = ROOT / "tests" / "data" / "render"
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
# lib/render/templates.cpp manifest_template_names(), in order.
TEMPLATES = ("pvc", "service", "deployment", "leaderworkerset", "pdb", "scaledobject", "hpa", "servicemonitor",
             "ingress", "httproute")


def snapshot_cases():
    cases = []
    for line in (DATA / "snapshots.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, args = (part.strip() for part in line.split("|", 1))
            cases.append(pytest.param(name, shlex.split(args), id=name))
    return cases


def absolute(args):
    """-f paths in snapshots.txt are relative to the repository root."""
    return [str(ROOT / a) if i and args[i - 1] in ("-f", "--values") else a for i, a in enumerate(args)]


def render(run, args):
    r = run("render", *absolute(args))
    assert r.code == 0, r
    return r


def strict(schema):
    """A CRD schema that rejects unknown fields (the API server would prune them silently)."""
    if isinstance(schema, dict):
        schema = {k: strict(v) for k, v in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema and \
                not schema.get("x-kubernetes-preserve-unknown-fields"):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def validate(obj):
    """Validates one object; returns how ("kubernetes 1.30.0, 1.37.0", "CRD", ...)."""
    schema = crd_schema(obj["apiVersion"], obj["kind"])
    if schema is not None:
        jsonschema.Draft7Validator(strict(schema)).validate(obj)
        if obj["kind"] == "LeaderWorkerSet":  # the CRD keeps pod templates opaque: check them as PodTemplates
            group = obj["spec"]["leaderWorkerTemplate"]
            for role in ("leaderTemplate", "workerTemplate"):
                pod_template = {"apiVersion": "v1", "kind": "PodTemplate",
                                "metadata": {"name": f"{obj['metadata']['name']}-{role}"}, "template": group[role]}
                for version in KUBERNETES_VERSIONS:
                    kubernetes_validate.validate(pod_template, version, strict=True)
        return "CRD"
    if obj["kind"] == "HTTPRoute":
        return "no schema (Gateway API CRD not in ../shared/data/k8s-crds)"
    for version in KUBERNETES_VERSIONS:
        kubernetes_validate.validate(obj, version, strict=True)
    return "kubernetes"


@pytest.mark.parametrize("name,args", snapshot_cases())
def test_snapshot(run, name, args):
    out = render(run, args).out
    path = DATA / "snapshots" / f"{name}.yaml"
    if os.environ.get("LLMCTL_UPDATE_SNAPSHOTS"):
        path.write_text(out)
    assert out == path.read_text(), f"llmctl render {' '.join(args)} differs from {path}"


@pytest.mark.parametrize("name,args", snapshot_cases())
def test_every_object_is_valid(run, name, args):
    docs = list(yaml.safe_load_all(render(run, args).out))
    assert docs
    for obj in docs:
        try:
            validate(obj)
        except (kubernetes_validate.ValidationError, jsonschema.ValidationError) as e:
            pytest.fail(f"{name}: {obj['kind']} {obj['metadata']['name']}: {e.message} at {list(e.path)}")


@pytest.mark.parametrize("name,args", snapshot_cases())
def test_kubectl_apply_dry_run(run, name, args, tmp_path):
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("kubectl is not installed")
    out = render(run, args).out
    with FakeApiServer() as url:
        proc = subprocess.run([kubectl, "apply", "--dry-run=client", "--validate=false", f"--server={url}", "-f", "-"],
                              input=out, capture_output=True, text=True, timeout=120,
                              env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "KUBECONFIG": os.devnull})
    assert proc.returncode == 0, proc.stderr
    created = [line for line in proc.stdout.splitlines() if line.endswith("created (dry run)")]
    assert len(created) == len(list(yaml.safe_load_all(out))), proc.stdout


def test_guide_values_render_the_charts_deployment_and_service(run):
    """The chart renders one Deployment and one Service named qwen3-1-7b-vllm from the guide's file; the
    guide's kubectl logs -l, port-forward svc/... 8000 and curl (model Qwen/Qwen3-1.7B) work on ours."""
    r = render(run, ["-f", "tests/data/render/values-qwen3-1.7b-vllm.yaml"])
    assert r.err == "llmctl: note: no --instance or --gpu: g6.xlarge is the cheapest aws instance that holds " \
                    "Qwen/Qwen3-1.7B\n"
    docs = {d["kind"]: d for d in yaml.safe_load_all(r.out)}
    assert sorted(docs) == ["Deployment", "Service"]
    deployment, service = docs["Deployment"], docs["Service"]
    name = "qwen3-1-7b-vllm"
    assert deployment["metadata"]["name"] == service["metadata"]["name"] == name
    assert deployment["metadata"]["namespace"] == service["metadata"]["namespace"] == "default"
    selector = {"app.kubernetes.io/component": name}
    assert deployment["spec"]["selector"]["matchLabels"] == selector == service["spec"]["selector"]
    pod = deployment["spec"]["template"]
    assert pod["metadata"]["labels"]["app.kubernetes.io/component"] == name  # kubectl logs -l ...
    container = pod["spec"]["containers"][0]
    assert " ".join(container["command"] + container["args"]).startswith(
        "vllm serve Qwen/Qwen3-1.7B --served-model-name Qwen/Qwen3-1.7B --max-model-len 8192 "
        "--tensor-parallel-size 1 ")
    assert container["image"] == "vllm/vllm-openai:v0.10.2"
    assert {"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hf-token", "key": "token",
                                                                "optional": True}}} in container["env"]
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert set(container["resources"]["requests"]) == {"cpu", "memory", "nvidia.com/gpu"}  # not BestEffort
    assert container["startupProbe"]["httpGet"]["path"] == "/health"
    assert {"name": "dshm", "mountPath": "/dev/shm"} in container["volumeMounts"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"}]


@pytest.mark.parametrize("args", [
    ["qwen3-1.7b", "--instance", "g6.2xlarge"],
    ["llama-3.1-70b", "--instance", "g6e.12xlarge", "--context", "32768", "--with",
     "autoscaling,pdb,cache,monitoring,ingress", "--set", "cache.storageClassName=efs-sc"],
    ["deepseek-v3", "--instance", "p5.48xlarge", "--context", "32768", "--with", "autoscaling,monitoring"],
    ["qwen3-8b", "--instance", "g5.2xlarge", "--context", "16384", "--with", "autoscaling,ingress", "--set",
     "autoscaling.type=hpa", "--set", "ingress.type=httproute", "--set", "ingress.gateway.name=gw"],
], ids=["one-gpu", "tp4-all-objects", "lws", "hpa-httproute"])
def test_jinja2_renders_the_same_manifests(run, args):
    """Python jinja2, given the context llmctl renders with, prints the same manifests byte for byte."""
    context = json.loads(render(run, args + ["-o", "context"]).out)
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    docs = []
    for name in TEMPLATES:
        text = env.from_string((ROOT / "templates" / f"{name}.yaml.j2").read_text()).render(**context)
        for doc in text.split("\n---\n"):
            if yaml.safe_load(doc) is not None:
                docs.append(doc.lstrip("\n"))
    assert "---\n".join(docs) == render(run, args).out


def test_json_is_a_list_of_the_same_objects(run):
    args = ["qwen3-8b", "--instance", "g6e.xlarge", "--context", "8192", "--with", "pdb,monitoring"]
    listed = json.loads(render(run, args + ["-o", "json"]).out)
    assert listed["apiVersion"] == "v1" and listed["kind"] == "List"
    assert listed["items"] == list(yaml.safe_load_all(render(run, args).out))


def test_failures_exit_3_with_the_nearest_configuration(run):
    r = run("render", "qwen3-1.7b", "--tp", "3", "--instance", "g6.12xlarge")
    assert r.code == 3
    assert "--tp 3 does not divide the model's 16 attention heads" in r.err
    assert "nearest configuration that works: --tp 4 on g6.12xlarge" in r.err
    r = run("render", "llama-3.1-70b", "--instance", "g6.2xlarge", "--context", "8192")
    assert r.code == 3
    assert "does not fit g6.2xlarge" in r.err and "hint: nearest configuration that works: --instance " in r.err
    r = run("render", "deepseek-v3", "--context", "163840", "--concurrency", "1000")
    assert r.code == 3
    assert "fits no instance of the catalog" in r.err
    assert r.out == ""
    assert run("render", "qwen3-1.7b", "--instance", "nope").code == 2
    assert run("render").code == 2


def test_unknown_values_keys_are_named_on_stderr(run, tmp_path):
    values = tmp_path / "values.yaml"
    values.write_text("model: Qwen/Qwen3-1.7B\nfluentbit: {image: {tag: 3.2.2}}\n"
                      "inference: {serviceName: x-vllm, rayOptions: {}}\n")
    r = run("render", "-f", values, "--instance", "g6.2xlarge", "--set", "vllm.logLevel=debug")
    assert r.code == 0
    assert f"llmctl: warning: {values}: ignoring keys llmctl render does not use: fluentbit, inference.rayOptions" \
        in r.err
    assert "llmctl: warning: --set vllm.logLevel: ignoring key llmctl render does not use: vllm" in r.err
    assert "name: x-vllm" in r.out


def test_template_directories_override_one_template(run, tmp_path):
    (tmp_path / "service.yaml.j2").write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ name }}-svc\n")
    for args, env in (([f"--template-dir={tmp_path}"], None), ([], {"LLMCTL_TEMPLATE_DIR": str(tmp_path)})):
        r = run("render", "qwen3-1.7b", "--instance", "g6.2xlarge", *args, env=env)
        assert r.code == 0, r
        assert r.out.startswith("apiVersion: v1\nkind: Service\nmetadata:\n  name: qwen3-1-7b-vllm-svc\n---\n")
        assert "kind: Deployment" in r.out
    (tmp_path / "service.yaml.j2").write_text("kind: [\n")
    r = run("render", "qwen3-1.7b", "--instance", "g6.2xlarge", "--template-dir", tmp_path)
    assert r.code == 1
    assert f"template service.yaml.j2 ({tmp_path}/service.yaml.j2): invalid YAML at line 2" in r.err


def test_installed_templates_are_used(llmctl_bin, tmp_path):
    build_dir = os.path.dirname(llmctl_bin)
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", build_dir, "--prefix", str(prefix)], check=True, capture_output=True)
    shared = prefix / "share" / "llmctl" / "templates"
    assert (shared / "deployment.yaml.j2").read_text() == (ROOT / "templates" / "deployment.yaml.j2").read_text()
    (shared / "service.yaml.j2").write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: installed\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLMCTL_")}
    out = subprocess.run([str(prefix / "bin" / "llmctl"), "render", "qwen3-1.7b", "--instance", "g6.2xlarge"],
                         capture_output=True, text=True, check=True, env=env).stdout
    assert out.startswith("apiVersion: v1\nkind: Service\nmetadata:\n  name: installed\n")
