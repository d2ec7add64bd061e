"""Starting `llmctl serve` for the end-to-end tests: a free port, the tiny
fixture models (tests/data/models) with Qwen3's chat template added, waiting
for /health, and stopping with SIGTERM."""
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from conftest import ROOT, SHARED

MODELS = ROOT / "tests" / "data" / "models"
QWEN3_TEMPLATE = SHARED / "models" / "Qwen__Qwen3-0.6B" / "chat_template.jinja"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chat_model(dest: pathlib.Path, name: str = "qwen3-tied") -> pathlib.Path:
    """A copy of a tiny golden model with Qwen3's chat template (the fixtures have none)."""
    model = dest / name
    if not model.exists():
        shutil.copytree(MODELS / name, model)
        shutil.copy(QWEN3_TEMPLATE, model / "chat_template.jinja")
    return model


def slow_model(dest: pathlib.Path) -> pathlib.Path:
    """The tiny model's tokenizer on a wider, deeper shape (served with --dummy-weights):
    a few ms per token, so a test can act while a request is still generating."""
    model = dest / "qwen3-slow"
    if not model.exists():
        shutil.copytree(MODELS / "qwen3-tied", model)
        (model / "model.safetensors").unlink()
        config = json.loads((model / "config.json").read_text())
        config.update(hidden_size=512, intermediate_size=2048, num_hidden_layers=8, num_attention_heads=8,
                      num_key_value_heads=4, head_dim=64, max_position_embeddings=4096,
                      layer_types=["full_attention"] * 8)
        (model / "config.json").write_text(json.dumps(config))
    return model


class Server:
    """A running `llmctl serve`; stderr goes to a file (read with .log())."""

    def __init__(self, llmctl_bin: str, model, *args, tmp: pathlib.Path, env=None, wait=True):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.err_path = tmp / f"serve-{self.port}.log"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("LLMCTL_", "HF_"))}
        base["HF_HOME"] = str(tmp / "hf-home")
        base["HF_HUB_OFFLINE"] = "1"
        if env:
            base.update(env)
        self._err = open(self.err_path, "wb")
        self.proc = subprocess.Popen([llmctl_bin, "serve", str(model), "--port", str(self.port), *map(str, args)],
                                     stdout=subprocess.DEVNULL, stderr=self._err, env=base)
        if wait:
            self.wait_healthy()

    def log(self) -> str:
        return self.err_path.read_text(errors="replace")

    def wait_healthy(self, timeout=60.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llmctl serve exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"llmctl serve not healthy after {timeout} s:\n{self.log()}")

    def metrics(self) -> dict:
        """Samples of /metrics without their model_name label: {'name{labels}': value}."""
        with urllib.request.urlopen(self.url + "/metrics", timeout=5) as r:
            text = r.read().decode()
        out = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            key, value = line.rsplit(" ", 1)
            if "{" in key:
                name, labels = key[:-1].split("{", 1)
                kept = [l for l in labels.split(",") if not l.startswith("model_name=")]
                key = name + ("{" + ",".join(kept) + "}" if kept else "")
            out[key] = float(value)
        return out

    def stop(self, sig=signal.SIGTERM, timeout=60.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._err.close()
        return self.proc.returncode


def post(url: str, body, headers=None, timeout=30.0):
    """POST raw bytes or a JSON value; returns (status, parsed JSON or text)."""
    data = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    try:
        return status, json.loads(text)
    except json.JSONDecodeError:
        return status, text
