"""`llmctl pull --headers-only`: every tensor's dtype, shape and bytes from the
safetensors headers alone, through HTTP Range requests; no weights download."""
import json
import struct

from pull_helpers import SHARDED, TINY, hf, hub  # noqa: F401


def headers_of(data):
    """The tensors the fake repository's files really hold, read by Python."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    return header


def test_sharded_model_headers_without_the_weights(hf):
    r = hf.run("pull", SHARDED, "--headers-only", "-o", "json")
    assert r.code == 0, r
    data = json.loads(r.out)
    repo = hf.hub.repos[SHARDED]
    assert data["source"] == "hub" and data["commit"] == repo.commit
    assert data["shards"] == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]

    expected = {}
    for shard in data["shards"]:
        for name, t in headers_of(repo.files[shard].data).items():
            expected[name] = (t["dtype"], t["shape"], t["data_offsets"][1] - t["data_offsets"][0], shard)
    got = {t["name"]: (t["dtype"], t["shape"], t["bytes"], t["file"]) for t in data["tensors"]}
    assert got == expected
    totals = data["totals"]
    assert totals["tensors"] == 5
    assert totals["bytes"] == sum(v[2] for v in expected.values())
    assert totals["elements"] == 2 * 2048 * 1024 + 2 * 512 * 1024 + 1024
    assert totals["by_dtype"]["F32"] == {"elements": 1024, "bytes": 4096}
    assert totals["index_total_size"] == json.loads(repo.files["model.safetensors.index.json"].data)[
        "metadata"]["total_size"]

    # Only headers crossed the network: two small ranges per shard, never a whole body.
    cdn = hf.hub.requests("cdn")
    assert cdn and all(e["range"] and e["status"] == 206 for e in cdn)
    assert sum(e["sent"] for e in cdn) < 4096
    weights = sum(f.size for f in repo.files.values() if f.lfs)
    assert hf.hub.bytes_sent() < weights / 100
    # The small index went through the cache; no shard blob was stored.
    blobs = list((hf.repo_dir(SHARDED) / "blobs").iterdir())
    assert [b.name for b in blobs] == [repo.files["model.safetensors.index.json"].oid]


def test_single_file_model_table_and_offline_from_cache(hf):
    table = hf.run("pull", TINY, "--headers-only")
    assert table.code == 0, table
    assert "model.embed_tokens.weight" in table.out and "BF16" in table.out and "[1024, 512]" in table.out
    assert "3 tensors in 1 shards" in table.out

    offline = hf.run("pull", TINY, "--headers-only", env={"HF_HUB_OFFLINE": "1"})
    assert offline.code == 1 and "offline mode is on" in offline.err, offline
    assert hf.run("pull", TINY).code == 0
    n = len(hf.hub.log)
    r = hf.run("pull", TINY, "--headers-only", "-o", "json", env={"HF_HUB_OFFLINE": "1"})
    assert r.code == 0, r
    data = json.loads(r.out)
    assert data["source"] == "cache" and data["totals"]["tensors"] == 3
    assert len(hf.hub.log) == n


def test_pulled_shards_are_read_locally(hf):
    assert hf.run("pull", SHARDED).code == 0
    n = len(hf.hub.requests("cdn"))
    r = hf.run("pull", SHARDED, "--headers-only", "-o", "json")
    assert r.code == 0, r
    assert json.loads(r.out)["totals"]["tensors"] == 5
    assert len(hf.hub.requests("cdn")) == n  # the cached shards answered
