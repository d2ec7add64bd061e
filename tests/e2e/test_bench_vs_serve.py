"""`llmctl bench serve` against `llmctl serve` on the tiny fixture: it completes,
and its token totals and latencies agree with the server's own /metrics."""
import json
import pathlib
import re
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = ROOT / "tests" / "data" / "models" / "qwen3-tied"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(url):
    text = urllib.request.urlopen(url + "/metrics", timeout=10).read().decode()
    values = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$", line)
        if m and m.group(2) is None or (m and "le=" not in (m.group(2) or "")):
            values[m.group(1)] = values.get(m.group(1), 0.0) + float(m.group(3))
    return values


@pytest.fixture
def llmctl_server(llmctl_bin, tmp_path):
    probe = subprocess.run([llmctl_bin, "serve", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("llmctl serve is not available in this build")
    port = free_port()
    proc = subprocess.Popen([llmctl_bin, "serve", str(MODEL), "--port", str(port), "--max-model-len", "256"],
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "serve.log", "w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/v1/models", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("llmctl serve exited: " + (tmp_path / "serve.log").read_text()[-2000:])
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("llmctl serve did not come up")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_bench_serve_agrees_with_server_metrics(run, llmctl_server, tmp_path):
    before = scrape(llmctl_server)
    out = tmp_path / "r.json"
    r = run("bench", "serve", "--base-url", llmctl_server, "--tokenizer", MODEL, "--num-prompts", "12",
            "--input-len", "24", "--output-len", "8", "--ignore-eos", "--max-concurrency", "4",
            "--no-ready-check", "--save-result", out, timeout=300)
    assert r.code == 0, r
    after = scrape(llmctl_server)
    data = json.loads(out.read_text())
    assert data["completed"] == 12 and data["failed"] == 0, [e for e in data["errors"] if e]

    def delta(name):
        return after.get(name, 0.0) - before.get(name, 0.0)

    assert delta("vllm:e2e_request_latency_seconds_count") == 12
    assert delta("vllm:generation_tokens_total") == data["total_output_tokens"] == 12 * 8
    assert delta("vllm:prompt_tokens_total") == data["total_input_tokens"]
    # The server's clocks start when the request reaches it and stop at the engine's
    # tokens; the client's include the network and HTTP on both ends. So the client's
    # means are never smaller. E2E ends at the same last token on both sides and must
    # agree closely. The client's TTFT waits for the first chunk with *text*: a first
    # token the detokenizer holds back (an incomplete UTF-8 sequence, a skipped special
    # token) delays it past the server's first token, so it is only bounded by E2E.
    server_ttft = delta("vllm:time_to_first_token_seconds_sum") / 12 * 1000
    server_e2e = delta("vllm:e2e_request_latency_seconds_sum") / 12 * 1000
    assert server_ttft <= data["mean_ttft_ms"] + 1.0
    assert data["mean_ttft_ms"] <= data["mean_e2el_ms"]
    assert server_e2e <= data["mean_e2el_ms"] + 1.0
    assert data["mean_e2el_ms"] - server_e2e < max(20.0, 0.1 * server_e2e)
