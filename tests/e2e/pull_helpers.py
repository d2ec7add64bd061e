"""Fixtures and checks for the `llmctl pull` end-to-end tests: a fake Hub
(tests/fakehub) started per test on 127.0.0.1, a private HF cache, and a
file-by-file check of the cache against huggingface_hub's layout."""
import hashlib
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "fakehub"))
import fakehub  # noqa: E402

TINY = "llmctl-test/tiny"
SHARDED = "llmctl-test/sharded"
GATED = "llmctl-test/gated"


class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out[-800:]!r}, err={self.err[-1500:]!r})"


class HF:
    """A private HF_HOME/HF_HUB_CACHE pointed at a fake Hub, and llmctl runs in it."""

    def __init__(self, llmctl_bin, tmp_path, hub):
        self.bin, self.hub = llmctl_bin, hub
        self.home = tmp_path / "hf-home"
        self.cache = tmp_path / "hf-cache"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("LLMCTL_", "HF_", "HUGGING"))}
        self.env.update(HF_HOME=str(self.home), HF_HUB_CACHE=str(self.cache), HF_ENDPOINT=hub.url, NO_COLOR="1")

    def popen(self, *args, env=None):
        return subprocess.Popen([self.bin, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env={**self.env, **(env or {})})

    def run(self, *args, env=None, timeout=60):
        proc = self.popen(*args, env=env)
        out, err = proc.communicate(timeout=timeout)
        return Result(proc.returncode, out, err)

    def repo_dir(self, repo_id):
        return self.cache / ("models--" + repo_id.replace("/", "--"))


@pytest.fixture
def hub():
    h = fakehub.FakeHub().start()
    yield h
    h.stop()


@pytest.fixture
def hf(llmctl_bin, tmp_path, hub):
    return HF(llmctl_bin, tmp_path, hub)


def etag_of(f):
    return f.sha256 if f.lfs else fakehub.git_blob_id(f.data)


def check_cache_layout(hf, repo_id, paths=None, refs=("main",)):
    """The cache holds exactly `paths` (default: all) of the repo at its commit,
    as huggingface_hub lays them out: relative symlinks into blobs/{etag}, the
    blob bytes intact, refs/{rev} = commit without newline, one lock per blob,
    and nothing that looks complete but is not."""
    repo = hf.hub.repos[repo_id]
    files = {p: repo.files[p] for p in (paths or repo.files)}
    root = hf.repo_dir(repo_id)
    assert sorted(os.listdir(root)) == ["blobs", "refs", "snapshots"]
    for rev in refs:
        assert (root / "refs" / rev).read_text() == repo.commit
    snapshot = root / "snapshots" / repo.commit
    assert os.listdir(root / "snapshots") == [repo.commit]
    found = sorted(str(p.relative_to(snapshot)) for p in snapshot.rglob("*") if not p.is_dir() or p.is_symlink())
    assert found == sorted(files)
    for path, f in files.items():
        link = snapshot / path
        assert link.is_symlink(), path
        target = os.readlink(link)
        assert not os.path.isabs(target), target
        assert target == os.path.relpath(root / "blobs" / etag_of(f), link.parent)
        assert (root / "blobs" / etag_of(f)).read_bytes() == f.data
    assert sorted(os.listdir(root / "blobs")) == sorted({etag_of(f) for f in files.values()})
    locks = hf.cache / ".locks" / root.name
    assert {etag_of(f) + ".lock" for f in files.values()} <= set(os.listdir(locks))


def wait_for(predicate, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def interrupt(proc):
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return Result(proc.returncode, out, err)
