"""`llmctl serve` under load and at its edges: 64 concurrent streaming
clients each getting its single-client greedy answer, a client that leaves
mid-stream (its sequence aborted, KV blocks freed at once), and SIGTERM
(running requests finish, then exit 0)."""
import http.client
import json
import signal
import threading
import time

import openai
import pytest

from serve_helpers import Server, chat_model, post, slow_model

MODEL = "tiny"


def test_64_concurrent_streams_equal_single_client_answers(llmctl_bin, tmp_path):
    s = Server(llmctl_bin, chat_model(tmp_path), "--served-model-name", MODEL, tmp=tmp_path)
    try:
        client = openai.OpenAI(base_url=s.url + "/v1", api_key="EMPTY", max_retries=0, timeout=120)
        prompts = [f"Request {i}: tell me about {i * 7919 % 1000}" for i in range(64)]
        single = [client.completions.create(model=MODEL, prompt=p, max_tokens=24, temperature=0).choices[0]
                  for p in prompts]
        results = [None] * 64
        errors = []
        start = threading.Barrier(64)

        def stream(i):
            try:
                start.wait()
                chunks = list(client.completions.create(model=MODEL, prompt=prompts[i], max_tokens=24, temperature=0,
                                                        stream=True, stream_options={"include_usage": True}))
                text = "".join(c.choices[0].text for c in chunks if c.choices)
                finish = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
                results[i] = (text, finish, chunks[-1].usage.completion_tokens)
            except Exception as e:  # reported below with its index
                errors.append((i, repr(e)))

        threads = [threading.Thread(target=stream, args=(i,)) for i in range(64)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, errors
        for i in range(64):
            text, finish, completion_tokens = results[i]
            assert finish == [single[i].finish_reason], i
            assert text == single[i].text, i
        # The gauges are published after the step that finished the last sequences.
        assert wait_for(lambda: s.metrics()["vllm:num_requests_running"] == 0)
        assert s.metrics()["vllm:kv_cache_usage_perc"] == 0
    finally:
        assert s.stop() == 0, s.log()


def stream_then_leave(url: str, body: dict, chunks_to_read: int) -> list:
    """Opens an SSE stream, reads a few events, then closes the socket."""
    host, port = url.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", "/v1/completions", json.dumps(body), {"Content-Type": "application/json"})
    resp = conn.getresponse()
    assert resp.status == 200
    events = []
    while len(events) < chunks_to_read:
        line = resp.fp.readline()
        if line.startswith(b"data: "):
            events.append(line)
    conn.sock.close()
    conn.close()
    return events


def wait_for(predicate, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_client_disconnect_aborts_and_frees_kv(llmctl_bin, tmp_path):
    s = Server(llmctl_bin, slow_model(tmp_path), "--dummy-weights", "--served-model-name", MODEL, tmp=tmp_path)
    try:
        body = {"model": MODEL, "prompt": "Hello world", "max_tokens": 3000, "ignore_eos": True, "stream": True}
        stream_then_leave(s.url, body, 3)
        left = time.time()
        assert wait_for(lambda: s.metrics()["vllm:num_requests_running"] == 0)
        m = s.metrics()
        freed_after = time.time() - left
        assert m["vllm:kv_cache_usage_perc"] == 0
        assert m['vllm:request_success_total{finished_reason="abort"}'] == 1
        assert m["vllm:generation_tokens_total"] < 1000  # stopped long before max_tokens
        assert freed_after < 2.0
        # A non-streaming client that leaves is noticed too (its connection is watched).
        host, port = s.url.replace("http://", "").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("POST", "/v1/completions", json.dumps({**body, "stream": False}),
                     {"Content-Type": "application/json"})
        assert wait_for(lambda: s.metrics()["vllm:num_requests_running"] == 1)
        conn.sock.close()
        assert wait_for(lambda: s.metrics()["vllm:num_requests_running"] == 0)
        m = s.metrics()
        assert m["vllm:kv_cache_usage_perc"] == 0
        assert m['vllm:request_success_total{finished_reason="abort"}'] == 2
        status, out = post(s.url + "/v1/completions", {"model": MODEL, "prompt": "Hi", "max_tokens": 2})
        assert status == 200
    finally:
        assert s.stop() == 0, s.log()


def test_sigterm_drains_running_requests_and_exits_0(llmctl_bin, tmp_path):
    s = Server(llmctl_bin, slow_model(tmp_path), "--dummy-weights", "--served-model-name", MODEL, tmp=tmp_path)
    try:
        client = openai.OpenAI(base_url=s.url + "/v1", api_key="EMPTY", max_retries=0, timeout=120)
        stream = client.completions.create(model=MODEL, prompt="Hello", max_tokens=60, stream=True,
                                           extra_body={"ignore_eos": True})
        first = next(iter(stream))
        s.proc.send_signal(signal.SIGTERM)
        rest = list(stream)
        chunks = [first, *rest]
        assert chunks[-1].choices[0].finish_reason == "length"
        assert s.proc.wait(timeout=60) == 0
        log = s.log()
        assert "Shutting down" in log and "Application shutdown complete." in log
        assert "Finished server process" in log
    finally:
        s.stop(sig=signal.SIGKILL)


def test_sigterm_grace_period_aborts_what_is_left(llmctl_bin, tmp_path):
    s = Server(llmctl_bin, slow_model(tmp_path), "--dummy-weights", "--served-model-name", MODEL,
               "--drain-timeout", "0.3", tmp=tmp_path)
    try:
        client = openai.OpenAI(base_url=s.url + "/v1", api_key="EMPTY", max_retries=0, timeout=120)
        stream = client.completions.create(model=MODEL, prompt="Hello", max_tokens=3000, stream=True,
                                           extra_body={"ignore_eos": True})
        next(iter(stream))
        started = time.time()
        s.proc.send_signal(signal.SIGTERM)
        chunks = list(stream)
        assert chunks[-1].choices[0].finish_reason == "abort"
        assert s.proc.wait(timeout=60) == 0
        assert time.time() - started < 10
    finally:
        s.stop(sig=signal.SIGKILL)
