"""`llmctl serve` through the official openai client, on the tiny golden
models on CPU: chat and completions, streaming with usage, n=2, stop strings,
seeds, logprobs against transformers' logits (golden.json), the qwen3
reasoning split, the info routes, and the guide's curl command."""
import json
import math
import pathlib
import subprocess

import openai
import pytest
from tokenizers import Tokenizer

from serve_helpers import MODELS, Server, chat_model, post

MODEL = "Qwen/Qwen3-1.7B"
GOLDEN = json.loads((MODELS / "qwen3-tied" / "golden.json").read_text())["prompts"][0]
HF_TOKENIZER = Tokenizer.from_file(str(MODELS / "qwen3-tied" / "tokenizer.json"))


@pytest.fixture(scope="module")
def server(llmctl_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    s = Server(llmctl_bin, chat_model(tmp), "--served-model-name", MODEL, "--served-model-name", "tiny",
               "--reasoning-parser", "qwen3", tmp=tmp)
    yield s
    assert s.stop() == 0, s.log()


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.url + "/v1", api_key="EMPTY", max_retries=0, timeout=60)


def test_completion_greedy_equals_transformers(client):
    r = client.completions.create(model=MODEL, prompt="Hello world", max_tokens=32, temperature=0)
    choice = r.choices[0]
    assert choice.text == HF_TOKENIZER.decode(GOLDEN["greedy"], skip_special_tokens=True)
    assert choice.finish_reason == "length"
    assert r.usage.prompt_tokens == len(GOLDEN["input_ids"]) and r.usage.completion_tokens == 32
    assert r.usage.total_tokens == 36
    assert r.model == MODEL and r.object == "text_completion" and r.id.startswith("cmpl-")


def test_completion_token_id_prompt_and_second_served_name(client):
    r = client.completions.create(model="tiny", prompt=GOLDEN["input_ids"], max_tokens=8, temperature=0)
    assert r.choices[0].text == HF_TOKENIZER.decode(GOLDEN["greedy"][:8], skip_special_tokens=True)
    assert r.model == MODEL  # the first served name is reported


def test_completion_logprobs_match_transformers(client):
    r = client.completions.create(model=MODEL, prompt=GOLDEN["input_ids"], max_tokens=1, temperature=0, logprobs=5)
    row = GOLDEN["rows"][str(len(GOLDEN["input_ids"]) - 1)]
    top = max(row)
    lse = top + math.log(sum(math.exp(x - top) for x in row))
    want = {i: x - lse for i, x in enumerate(row)}
    lp = r.choices[0].logprobs
    first = GOLDEN["greedy"][0]
    assert lp.token_logprobs[0] == pytest.approx(want[first], abs=2e-3)
    assert lp.tokens[0] == HF_TOKENIZER.decode([first])
    best5 = sorted(want, key=want.get, reverse=True)[:5]
    got = lp.top_logprobs[0]
    texts = [HF_TOKENIZER.decode([i]) for i in best5]
    checked = 0
    for i, text in zip(best5, texts):
        if texts.count(text) == 1 and "\ufffd" not in text:  # byte pieces decode alike: a dict keeps one
            assert got[text] == pytest.approx(want[i], abs=2e-3)
            checked += 1
    assert checked >= 2


def test_chat_completion_with_usage(client):
    r = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}], max_tokens=6,
                                       temperature=0, extra_body={"chat_template_kwargs": {"enable_thinking": False}})
    c = r.choices[0]
    assert r.object == "chat.completion" and r.id.startswith("chatcmpl-")
    assert c.message.role == "assistant" and c.finish_reason == "length"
    assert r.usage.completion_tokens == 6
    # The prompt is the chat template's rendering, tokenized without extra special tokens.
    status, tok = post(client.base_url.__str__().replace("/v1/", "/tokenize"),
                       {"model": MODEL, "messages": [{"role": "user", "content": "Hi"}],
                        "chat_template_kwargs": {"enable_thinking": False}})
    assert status == 200 and r.usage.prompt_tokens == tok["count"]


def test_chat_content_parts_equal_string_content(client):
    kwargs = dict(model=MODEL, max_tokens=5, temperature=0)
    a = client.chat.completions.create(messages=[{"role": "user", "content": "a\nb"}], **kwargs)
    b = client.chat.completions.create(
        messages=[{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}], **kwargs)
    assert a.usage.prompt_tokens == b.usage.prompt_tokens
    assert a.choices[0].message.reasoning_content == b.choices[0].message.reasoning_content


def test_stream_chat_with_usage(client):
    stream = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}], max_tokens=12,
                                            temperature=0, stream=True, stream_options={"include_usage": True},
                                            extra_body={"chat_template_kwargs": {"enable_thinking": False}})
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 12
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert len(finals) == 1 and finals[0].choices[0].finish_reason == "length"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    whole = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}], max_tokens=12,
                                           temperature=0,
                                           extra_body={"chat_template_kwargs": {"enable_thinking": False}})
    assert text == whole.choices[0].message.content


def test_stream_completion_equals_whole(client):
    stream = client.completions.create(model=MODEL, prompt="Hello world", max_tokens=32, temperature=0, stream=True)
    chunks = list(stream)
    assert "".join(c.choices[0].text for c in chunks) == HF_TOKENIZER.decode(GOLDEN["greedy"], skip_special_tokens=True)
    assert chunks[-1].choices[0].finish_reason == "length"


def test_n2_and_seed_reproducibility(client):
    kwargs = dict(model=MODEL, prompt="Hello", max_tokens=16, temperature=1.0, seed=1234, n=2)
    a = client.completions.create(**kwargs)
    b = client.completions.create(**kwargs)
    assert [c.index for c in a.choices] == [0, 1]
    assert [c.text for c in a.choices] == [c.text for c in b.choices]
    assert a.choices[0].text != a.choices[1].text  # seed + index: the samples differ
    assert a.usage.completion_tokens == 32
    c = client.completions.create(**{**kwargs, "seed": 99})
    assert [x.text for x in c.choices] != [x.text for x in a.choices]


def test_stop_string_cuts_the_text(client):
    full = client.completions.create(model=MODEL, prompt="Hello world", max_tokens=32, temperature=0).choices[0].text
    stop = full[5:8]
    r = client.completions.create(model=MODEL, prompt="Hello world", max_tokens=32, temperature=0, stop=[stop])
    c = r.choices[0]
    assert c.finish_reason == "stop" and c.model_extra["stop_reason"] == stop
    assert c.text == full[:full.index(stop)]
    streamed = "".join(x.choices[0].text for x in client.completions.create(
        model=MODEL, prompt="Hello world", max_tokens=32, temperature=0, stop=stop, stream=True))
    assert streamed == c.text


def test_chat_logprobs(client):
    r = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}], max_tokens=4,
                                       temperature=0, logprobs=True, top_logprobs=3)
    content = r.choices[0].logprobs.content
    assert len(content) == 4
    for entry in content:
        assert len(entry.top_logprobs) == 3
        assert entry.top_logprobs[0].logprob >= entry.top_logprobs[1].logprob >= entry.top_logprobs[2].logprob
        # greedy: the sampled token is the most likely one
        assert entry.logprob == pytest.approx(entry.top_logprobs[0].logprob, abs=1e-6)
        assert entry.bytes == list(entry.token.encode("utf-8"))


def test_reasoning_split(client):
    # Qwen3 with thinking on: the template opens <think>; a tiny model never
    # closes it, so the whole output is reasoning (vLLM's Qwen3ReasoningParser).
    on = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}], max_tokens=8,
                                        temperature=0)
    msg = on.choices[0].message
    assert msg.content is None and msg.model_extra["reasoning_content"]
    off = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}], max_tokens=8,
                                         temperature=0,
                                         extra_body={"chat_template_kwargs": {"enable_thinking": False}})
    assert off.choices[0].message.content and off.choices[0].message.model_extra["reasoning_content"] is None
    chunks = list(client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}],
                                                 max_tokens=8, temperature=0, stream=True))
    reasoning = "".join(c.choices[0].delta.model_extra.get("reasoning_content") or "" for c in chunks)
    content = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert reasoning == msg.model_extra["reasoning_content"] and content == ""


def test_models_version_health_tokenize(server, client):
    models = client.models.list()
    assert [m.id for m in models.data] == [MODEL, "tiny"]
    assert models.data[0].model_extra["max_model_len"] == 512
    status, tok = post(server.url + "/tokenize", {"prompt": "Hello world"})
    assert status == 200 and tok["tokens"] == GOLDEN["input_ids"] and tok["count"] == 4
    status, detok = post(server.url + "/detokenize", {"tokens": GOLDEN["input_ids"]})
    assert status == 200 and detok["prompt"] == "Hello world"
    import urllib.request
    with urllib.request.urlopen(server.url + "/version") as r:
        assert "version" in json.loads(r.read())


def test_metrics_count_tokens_and_requests(server, client):
    before = server.metrics()
    client.completions.create(model=MODEL, prompt="Hello world", max_tokens=7, temperature=0)
    after = server.metrics()
    assert after["vllm:prompt_tokens_total"] - before["vllm:prompt_tokens_total"] == 4
    assert after["vllm:generation_tokens_total"] - before["vllm:generation_tokens_total"] == 7
    key = 'vllm:request_success_total{finished_reason="length"}'
    assert after[key] - before[key] == 1
    for h in ("time_to_first_token_seconds", "e2e_request_latency_seconds", "request_queue_time_seconds"):
        assert after[f"vllm:{h}_count"] - before[f"vllm:{h}_count"] == 1
        assert after[f'vllm:{h}_bucket{{le="+Inf"}}'] == after[f"vllm:{h}_count"]
    assert after["vllm:inter_token_latency_seconds_count"] - before["vllm:inter_token_latency_seconds_count"] == 6
    assert 'vllm:time_to_first_token_seconds_bucket{le="0.001"}' in after
    assert after["vllm:num_requests_running"] == 0 and after["vllm:kv_cache_usage_perc"] == 0


def test_guide_curl_command(server):
    out = subprocess.run(
        ["curl", "-s", f"http://localhost:{server.port}/v1/chat/completions", "-H", "Content-Type: application/json",
         "-d", '{"model": "Qwen/Qwen3-1.7B", "messages": [{"role": "user", "content": "What is the capital of France?"}]}'],
        capture_output=True, text=True, timeout=120, check=True)
    body = json.loads(out.stdout)
    assert body["object"] == "chat.completion" and body["model"] == MODEL
    assert body["choices"][0]["finish_reason"] in ("stop", "length")
    assert body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"] <= 512


def test_engine_commands_run_with_a_passive_openmp_wait_policy(server):
    """llmctl re-executes itself with OMP_WAIT_POLICY=passive (lib/util/omp_env.cpp): same pid,
    variable set, so idle OpenMP threads of the CPU backend do not spin on shared cores."""
    environ = pathlib.Path(f"/proc/{server.proc.pid}/environ").read_bytes().split(b"\0")
    if b"OMP_WAIT_POLICY=passive" not in environ:
        assert any(e.startswith(b"OMP_WAIT_POLICY=") for e in environ)  # the user's own choice is kept
