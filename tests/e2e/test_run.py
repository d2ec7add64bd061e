"""`llmctl run` on the tiny golden models (tests/data/models, made by
tools/gen-tiny-models.py): greedy text equals the decode of transformers'
greedy continuation; errors for missing weights and prompts."""
import json

from conftest import ROOT

MODELS = ROOT / "tests" / "data" / "models"


def test_run_greedy_matches_transformers(run):
    for name in ("qwen3-tied", "qwen3-untied", "llama3-rope", "qwen2-bias"):
        model = MODELS / name
        golden = json.loads((model / "golden.json").read_text())["prompts"][0]
        r = run("run", model, "-p", "Hello world", "-n", "32", "--temperature", "0")
        assert r.code == 0, r
        assert "prefill: 4 tokens" in r.err and "decode: 31 tokens" in r.err, r
        want = run("tokenize", model, "--decode", " ".join(map(str, golden["greedy"])), "--skip-special")
        assert r.out == want.out, name


def test_run_needs_a_prompt(run):
    r = run("run", MODELS / "qwen3-tied")
    assert r.code == 2
    assert "--prompt" in r.err


def test_run_dummy_weights_from_the_catalog(run):
    r = run("run", "qwen3-0.6b", "--dummy-weights", "--prompt-tokens", "4", "-n", "1", "--max-model-len", "64",
            timeout=300)
    assert r.code == 0, r
    assert "prefill: 4 tokens" in r.err


def chat_model(tmp_path):
    """qwen3-tied with Qwen3-0.6B's real chat template beside it."""
    import shutil
    model = tmp_path / "qwen3-chat"
    shutil.copytree(MODELS / "qwen3-tied", model)
    shutil.copy(ROOT.parent / "shared" / "data" / "models" / "Qwen__Qwen3-0.6B" / "chat_template.jinja", model)
    return model


def test_run_chat_renders_the_template(run, tmp_path):
    import re
    model = chat_model(tmp_path)
    plain = run("run", model, "-p", "Hi", "-n", "3", "--temperature", "0")
    r = run("run", model, "--chat", "--system", "Be brief.", "-p", "Hi", "--chat-template-kwargs",
            '{"enable_thinking": false}', "-n", "3", "--temperature", "0")
    assert r.code == 0 and plain.code == 0, r
    tokens = lambda res: int(re.search(r"prefill: (\d+) tokens", res.err).group(1))
    # <|im_start|>system ... <|im_start|>assistant <think></think>: far more than the bare prompt.
    assert tokens(r) > tokens(plain) + 10, (r.err, plain.err)


def test_run_chat_needs_a_template_and_system_needs_chat(run):
    r = run("run", MODELS / "qwen3-tied", "--chat", "-p", "Hi")
    assert r.code == 2 and "chat template" in r.err, r
    r = run("run", MODELS / "qwen3-tied", "--system", "x", "-p", "Hi")
    assert r.code == 2 and "--chat" in r.err, r


def test_run_stop_string_cuts_the_text(run):
    model = MODELS / "qwen3-tied"
    full = run("run", model, "-p", "Hello world", "-n", "32", "--temperature", "0", "--ignore-eos")
    assert full.code == 0, full
    text = full.out.rstrip("\n")
    # A stop string from the middle of the greedy text: the output ends just before it.
    cut = len(text) // 2
    stop = text[cut:cut + 3]
    if len(stop.strip()) < 2:
        return
    r = run("run", model, "-p", "Hello world", "-n", "32", "--temperature", "0", "--ignore-eos", "--stop", stop)
    assert r.code == 0, r
    assert r.out.rstrip("\n") == text[:text.index(stop)]


def test_run_seed_reproducible_sampling(run):
    model = MODELS / "qwen3-tied"
    args = ("run", model, "-p", "Hello world", "-n", "16", "--temperature", "1.0", "--top-p", "0.9", "--seed", "7",
            "--ignore-eos")
    a, b = run(*args), run(*args)
    assert a.code == 0 and a.out == b.out


def test_run_ctrl_c_exits_130(llmctl_bin, tmp_path):
    import os
    import signal
    import subprocess
    import time
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLMCTL_", "HF_"))}
    env.update(HF_HOME=str(tmp_path / "hf"), HF_HUB_OFFLINE="1")
    proc = subprocess.Popen([llmctl_bin, "run", "qwen3-0.6b", "--dummy-weights", "--prompt-tokens", "8", "-n", "100000",
                             "--max-model-len", "4096", "--ignore-eos"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    time.sleep(3)  # building the weights or generating: either way SIGINT must end it with 130
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert b"interrupted" in err
