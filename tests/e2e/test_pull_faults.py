"""`llmctl pull` against a misbehaving network: dropped connections resume,
truncated or corrupted bodies fail cleanly, slow servers still finish, two
pulls share one cache, and Ctrl-C leaves only .incomplete files (exit 130)."""
import json
import os

from pull_helpers import TINY, check_cache_layout, etag_of, hf, hub, interrupt, wait_for  # noqa: F401

WEIGHTS = "model.safetensors"


def blobs(hf):
    return sorted(os.listdir(hf.repo_dir(TINY) / "blobs"))


def weights_etag(hf):
    return etag_of(hf.hub.repos[TINY].files[WEIGHTS])


def test_dropped_connection_resumes_in_the_same_run(hf):
    hf.hub.fault(WEIGHTS, "drop", times=1, after=300_000)
    r = hf.run("pull", TINY)
    assert r.code == 0, r
    check_cache_layout(hf, TINY)
    cdn = hf.hub.requests("cdn")
    assert cdn[0]["range"] is None and cdn[0]["sent"] == 300_000
    assert cdn[-1]["range"] == "bytes=300000-"
    assert "resuming" in r.err


def test_interrupted_download_resumes_in_the_next_run(hf):
    # The first attempt gets 500 kB, every retry nothing, until the retries give up.
    hf.hub.fault(WEIGHTS, "drop", times=1, after=500_000)
    r1 = hf.popen("pull", TINY)
    assert wait_for(lambda: hf.hub.faults.get(WEIGHTS) is None)
    hf.hub.fault(WEIGHTS, "drop", after=0)
    out, err = r1.communicate(timeout=60)
    assert r1.returncode == 1, err
    assert "broke" in err or "reset" in err.lower()
    incomplete = hf.repo_dir(TINY) / "blobs" / (weights_etag(hf) + ".incomplete")
    assert incomplete.stat().st_size == 500_000
    assert weights_etag(hf) not in blobs(hf)  # nothing that looks complete
    assert not (hf.repo_dir(TINY) / "snapshots" / hf.hub.repos[TINY].commit / WEIGHTS).exists()

    hf.hub.faults.clear()
    r2 = hf.run("pull", TINY)
    assert r2.code == 0, r2
    assert hf.hub.requests("cdn")[-1]["range"] == "bytes=500000-"
    assert "resuming model.safetensors at" in r2.err
    check_cache_layout(hf, TINY)


def test_truncated_body_fails_and_keeps_only_the_partial_file(hf):
    hf.hub.fault(WEIGHTS, "truncate_at", offset=1_000_000)
    r = hf.run("pull", TINY)
    assert r.code == 1, r
    assert "1000000 of 2099504 bytes" in r.err or "broke" in r.err
    assert weights_etag(hf) not in blobs(hf)
    assert weights_etag(hf) + ".incomplete" in blobs(hf)


def test_checksum_mismatch_fails_and_deletes_the_bad_bytes(hf):
    hf.hub.fault(WEIGHTS, "corrupt")
    r = hf.run("pull", TINY)
    assert r.code == 1, r
    assert "checksum mismatch for 'model.safetensors'" in r.err
    assert not [b for b in blobs(hf) if b.startswith(weights_etag(hf))]


def test_slow_server_still_completes(hf):
    hf.hub.fault(WEIGHTS, "slow", delay=0.01, chunk=64 * 1024)
    hf.hub.latency = 0.05
    r = hf.run("pull", TINY)
    assert r.code == 0, r
    check_cache_layout(hf, TINY)


def test_stalled_server_times_out(hf):
    hf.hub.fault(WEIGHTS, "stall", offset=100_000, seconds=30)
    r = hf.run("pull", TINY, "--include", WEIGHTS, env={"HF_HUB_DOWNLOAD_TIMEOUT": "1"}, timeout=60)
    assert r.code == 1, r
    assert "stopped answering" in r.err or "broke" in r.err
    assert weights_etag(hf) not in blobs(hf)


def test_two_concurrent_pulls_share_one_cache(hf):
    hf.hub.fault(WEIGHTS, "slow", delay=0.005, chunk=64 * 1024)
    a = hf.popen("pull", TINY, "-o", "json")
    b = hf.popen("pull", TINY, "-o", "json", "--max-workers", "2")
    out_a, err_a = a.communicate(timeout=120)
    out_b, err_b = b.communicate(timeout=120)
    assert a.returncode == 0, err_a
    assert b.returncode == 0, err_b
    check_cache_layout(hf, TINY)
    assert json.loads(out_a)["commit"] == json.loads(out_b)["commit"]
    # The weights crossed the network once: the second process waited for the lock.
    assert sum(e["sent"] for e in hf.hub.requests("cdn")) == hf.hub.repos[TINY].files[WEIGHTS].size


def test_ctrl_c_leaves_only_incomplete_files(hf):
    hf.hub.fault(WEIGHTS, "slow", delay=0.05, chunk=16 * 1024)
    proc = hf.popen("pull", TINY)
    incomplete = hf.repo_dir(TINY) / "blobs" / (weights_etag(hf) + ".incomplete")
    assert wait_for(lambda: incomplete.exists() and incomplete.stat().st_size > 0)
    r = interrupt(proc)
    assert r.code == 130, r
    assert "interrupted" in r.err
    assert weights_etag(hf) not in blobs(hf)
    assert incomplete.exists()
    snapshot = hf.repo_dir(TINY) / "snapshots" / hf.hub.repos[TINY].commit
    assert not (snapshot / WEIGHTS).exists() and not (snapshot / WEIGHTS).is_symlink()
    # Every blob that does look complete is complete.
    for path, f in hf.hub.repos[TINY].files.items():
        blob = hf.repo_dir(TINY) / "blobs" / etag_of(f)
        if blob.exists():
            assert blob.read_bytes() == f.data
    hf.hub.faults.clear()
    assert hf.run("pull", TINY).code == 0
    check_cache_layout(hf, TINY)
