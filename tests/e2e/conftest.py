"""Shared fixtures of the end-to-end tests: the real llmctl binary and a runner."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def llmctl_bin() -> str:
    path = os.environ.get("LLMCTL_BIN", str(ROOT / "build" / "llmctl"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"llmctl binary not found at {path}: build it first (make build)")
    return path


class Result:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out[:500]!r}, err={self.err[:500]!r})"


@pytest.fixture
def run(llmctl_bin, tmp_path):
    """run(*args, env=None, input=None) -> Result, with a clean, offline HF environment."""

    def _run(*args, env=None, input=None, timeout=60):
        base = {k: v for k, v in os.environ.items() if not k.startswith(("LLMCTL_", "HF_", "NO_COLOR"))}
        base["HF_HOME"] = str(tmp_path / "hf-home")
        base["HF_HUB_OFFLINE"] = "1"
        if env:
            base.update(env)
        proc = subprocess.run([llmctl_bin, *map(str, args)], capture_output=True, text=True,
                              env=base, input=input, timeout=timeout)
        return Result(proc)

    return _run
