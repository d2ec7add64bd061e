"""Helpers of the `llmctl bench` end-to-end tests: the mock OpenAI server process."""
import os
import pathlib
import subprocess

import pytest


def mockserver_path(llmctl_bin: str) -> str:
    """llmctl_mockserver of the same build as the llmctl under test (or LLMCTL_MOCKSERVER)."""
    env = os.environ.get("LLMCTL_MOCKSERVER")
    if env:
        return env
    return str(pathlib.Path(llmctl_bin).resolve().parent / "tests" / "mockserver" / "llmctl_mockserver")


class MockServer:
    def __init__(self, binary: str, *args: str):
        if not os.access(binary, os.X_OK):
            pytest.skip(f"no mock server at {binary}: build the llmctl_mockserver target")
        self.proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("listening on "), line
        self.port = int(line.split()[-1])
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
