"""`llmctl serve` refuses what it cannot serve with OpenAI-shaped errors
({"error": {"message", "type", "param", "code"}}) and keeps serving: 401
without the API key, 404 for another model, 400 for malformed or wrong-typed
bodies and a context overflow (vLLM's message), 413 for a huge body, and
hostile bodies (invalid UTF-8, deep nesting, absurd numbers)."""
import json

import openai
import pytest

from serve_helpers import Server, chat_model, post

MODEL = "tiny"


@pytest.fixture(scope="module")
def server(llmctl_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve-errors")
    s = Server(llmctl_bin, chat_model(tmp), "--served-model-name", MODEL, tmp=tmp,
               env={"LLMCTL_API_KEY": "sk-test"})
    yield s
    assert s.stop() == 0, s.log()


AUTH = {"Authorization": "Bearer sk-test"}


def completions(server, body, headers=AUTH):
    return post(server.url + "/v1/completions", body, headers=headers)


def assert_error(status, body, code, fragment=""):
    assert status == code, body
    err = body["error"]
    assert set(err) == {"message", "type", "param", "code"} and err["code"] == code
    assert fragment in err["message"], err


def assert_still_serving(server):
    status, body = completions(server, {"model": MODEL, "prompt": "Hello", "max_tokens": 2})
    assert status == 200 and body["usage"]["completion_tokens"] == 2


def test_401_without_the_key(server):
    status, body = completions(server, {"model": MODEL, "prompt": "Hello", "max_tokens": 2}, headers={})
    assert_error(status, body, 401)
    status, body = completions(server, {"model": MODEL, "prompt": "Hello", "max_tokens": 2},
                               headers={"Authorization": "Bearer sk-tesT"})
    assert_error(status, body, 401)
    client = openai.OpenAI(base_url=server.url + "/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        client.models.list()
    ok = openai.OpenAI(base_url=server.url + "/v1", api_key="sk-test", max_retries=0)
    assert [m.id for m in ok.models.list().data] == [MODEL]
    # Probes stay open, as vLLM's: /health and /metrics need no key.
    import urllib.request
    with urllib.request.urlopen(server.url + "/health") as r:
        assert r.status == 200


def test_404_unknown_model_and_route(server):
    client = openai.OpenAI(base_url=server.url + "/v1", api_key="sk-test", max_retries=0)
    with pytest.raises(openai.NotFoundError) as e:
        client.completions.create(model="gpt-4", prompt="Hello", max_tokens=2)
    assert "The model `gpt-4` does not exist." in str(e.value)
    status, body = post(server.url + "/v1/nothing", {}, headers=AUTH)
    assert_error(status, body, 404)


def test_400_context_overflow_with_vllms_message(server):
    status, body = completions(server, {"model": MODEL, "prompt": "Hello world", "max_tokens": 600})
    assert_error(status, body, 400, "This model's maximum context length is 512 tokens. However, you requested "
                                    "604 tokens (4 in the messages, 600 in the completion).")
    status, body = completions(server, {"model": MODEL, "prompt": "Hello world", "max_tokens": 10**12})
    assert_error(status, body, 400, "maximum context length is 512 tokens")
    status, body = completions(server, {"model": MODEL, "prompt": [5] * 600})
    assert_error(status, body, 400, "maximum context length is 512 tokens")


@pytest.mark.parametrize("body, fragment", [
    ({"prompt": "Hello", "max_tokens": -1}, "max_tokens must be at least 1"),
    ({"prompt": "Hello", "max_tokens": 10**30}, "max_tokens"),
    ({"prompt": "Hello", "max_tokens": "ten"}, "max_tokens"),
    ({"prompt": "Hello", "temperature": "hot"}, "temperature"),
    ({"prompt": "Hello", "temperature": 5}, "temperature must be in [0, 2]"),
    ({"prompt": "Hello", "top_p": 0}, "top_p"),
    ({"prompt": "Hello", "n": "two"}, "n"),
    ({"prompt": "Hello", "n": 100000}, "n must be at most"),
    ({"prompt": "Hello", "stop": 5}, "stop"),
    ({"prompt": "Hello", "logprobs": 50}, "greater than max allowed: 20"),
    ({"prompt": 42}, "prompt"),
    ({"prompt": []}, "prompt"),
    ({"prompt": [1, 2, 999999]}, "out of vocabulary"),
    ({"prompt": [-3]}, "out of range"),
    ({"prompt": "Hello", "stream": "yes"}, "stream"),
    ({"prompt": "Hello", "stream_options": {"include_usage": True}}, "stream"),
])
def test_400_wrong_types_and_ranges(server, body, fragment):
    status, out = completions(server, {"model": MODEL, **body})
    assert_error(status, out, 400, fragment)


@pytest.mark.parametrize("body, fragment", [
    ({"messages": "Hi"}, "messages"),
    ({"messages": []}, "messages"),
    ({"messages": [{"content": "Hi"}]}, "role"),
    ({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}, "image_url"),
    ({"messages": [{"role": "user", "content": "Hi"}], "top_logprobs": 2}, "`logprobs` must be set to true"),
    ({"messages": [{"role": "user", "content": "Hi"}], "chat_template_kwargs": "x"}, "chat_template_kwargs"),
])
def test_400_chat_bodies(server, body, fragment):
    status, out = post(server.url + "/v1/chat/completions", {"model": MODEL, **body}, headers=AUTH)
    assert_error(status, out, 400, fragment)


def test_hostile_bodies_then_still_serving(server):
    url = server.url + "/v1/chat/completions"
    status, out = post(url, b'{"model": "tiny", "messages": [{"role": "user", "content": "\xff\xfe"}]}', headers=AUTH)
    assert_error(status, out, 400, "JSON")
    status, out = post(url, b"{not json", headers=AUTH)
    assert_error(status, out, 400, "JSON")
    status, out = post(url, b"[" * 100000 + b"]" * 100000, headers=AUTH)
    assert_error(status, out, 400, "nesting")
    status, out = post(url, b"[1, 2]", headers=AUTH)
    assert_error(status, out, 400, "object")
    big = json.dumps({"model": MODEL, "messages": [{"role": "user", "content": "x" * (10 << 20)}]}).encode()
    status, out = post(url, big, headers=AUTH)
    assert_error(status, out, 413)
    assert_still_serving(server)


def test_access_log_lines(server):
    assert_still_serving(server)
    log = server.log()
    assert "Started server process [" in log and "Application startup complete." in log
    assert "KV cache size: " in log and "Maximum concurrency for 512 tokens per request" in log
    assert '"POST /v1/completions HTTP/1.1" 200 OK' in log and "tokens=2+2" in log
    assert '"POST /v1/completions HTTP/1.1" 401 Unauthorized' in log
