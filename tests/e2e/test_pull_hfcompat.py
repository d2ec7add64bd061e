"""The HF cache is shared for real: huggingface_hub reads what llmctl pulled,
and llmctl reuses what huggingface_hub downloaded, against the same fake Hub."""
import json
import os
import subprocess
import sys

from pull_helpers import TINY, check_cache_layout, hf, hub  # noqa: F401


def hf_python(hf, code):
    """Runs `code` with huggingface_hub in a fresh interpreter (it reads HF_* at import)."""
    env = {**hf.env, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_huggingface_hub_reads_what_llmctl_pulled(hf):
    assert hf.run("pull", TINY).code == 0
    out = hf_python(hf, f"""
import json
from huggingface_hub import scan_cache_dir, snapshot_download, try_to_load_from_cache
info = scan_cache_dir()
repo = next(iter(info.repos))
rev = next(iter(repo.revisions))
print(json.dumps({{
    "warnings": [str(w) for w in info.warnings],
    "repo": repo.repo_id, "refs": sorted(rev.refs), "commit": rev.commit_hash,
    "files": sorted(f.file_name for f in rev.files), "size": repo.size_on_disk,
    "config": try_to_load_from_cache("{TINY}", "config.json"),
    "snapshot": snapshot_download("{TINY}", local_files_only=True),
}}))
""")
    data = json.loads(out)
    repo = hf.hub.repos[TINY]
    snapshot = str(hf.repo_dir(TINY) / "snapshots" / repo.commit)
    assert data["warnings"] == []
    assert data["repo"] == TINY and data["refs"] == ["main"] and data["commit"] == repo.commit
    assert data["files"] == sorted(p.rsplit("/", 1)[-1] for p in repo.files)
    assert data["size"] == sum(f.size for f in repo.files.values())
    assert data["config"] == os.path.join(snapshot, "config.json")
    assert data["snapshot"] == snapshot


def test_llmctl_reuses_what_huggingface_hub_downloaded(hf):
    hf_python(hf, f"from huggingface_hub import snapshot_download; snapshot_download('{TINY}')")
    check_cache_layout(hf, TINY)
    downloads = len(hf.hub.requests("cdn"))
    r = hf.run("pull", TINY, "-o", "json")
    assert r.code == 0, r
    assert {f["state"] for f in json.loads(r.out)["files"]} == {"cached"}
    assert len(hf.hub.requests("cdn")) == downloads
