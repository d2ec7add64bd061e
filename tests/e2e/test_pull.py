"""`llmctl pull`: full pulls into the HF cache, listing, selection, local
dirs, errors (gated, not found, hostile names, network), offline use."""
import json
import os

import yaml

from pull_helpers import GATED, SHARDED, TINY, check_cache_layout, fakehub, hf, hub  # noqa: F401


def test_full_pull_matches_the_hf_cache_layout(hf):
    r = hf.run("pull", TINY, "-o", "json")
    assert r.code == 0, r
    data = json.loads(r.out)
    repo = hf.hub.repos[TINY]
    assert data["model"] == TINY and data["revision"] == "main" and data["commit"] == repo.commit
    assert data["source"] == "hub"
    assert data["snapshot"] == str(hf.repo_dir(TINY) / "snapshots" / repo.commit)
    assert {f["path"]: f["state"] for f in data["files"]} == {p: "downloaded" for p in repo.files}
    assert data["downloaded_bytes"] == sum(f.size for f in repo.files.values())
    assert "pulled llmctl-test/tiny@main" in r.err
    check_cache_layout(hf, TINY)
    # The LFS file came from the CDN, and the token-less run sent no token anywhere.
    assert hf.hub.requests("cdn")
    assert not any(e["auth"] for e in hf.hub.log)


def test_second_pull_downloads_nothing(hf):
    assert hf.run("pull", TINY).code == 0
    gets_before = len(hf.hub.requests(path_contains="/resolve/")) + len(hf.hub.requests("cdn"))
    r = hf.run("pull", TINY, "-o", "json")
    assert r.code == 0, r
    assert {f["state"] for f in json.loads(r.out)["files"]} == {"cached"}
    assert len(hf.hub.requests(path_contains="/resolve/")) + len(hf.hub.requests("cdn")) == gets_before


def test_dry_run_lists_sizes_and_downloads_nothing(hf):
    r = hf.run("pull", TINY, "--dry-run", "-o", "json")
    assert r.code == 0, r
    data = json.loads(r.out)
    sizes = {f["path"]: f["size"] for f in data["files"]}
    assert sizes == {p: f.size for p, f in hf.hub.repos[TINY].files.items()}
    assert data["download_bytes"] == data["total_bytes"] == sum(sizes.values())
    assert not hf.cache.exists() or not any(hf.cache.rglob("blobs/*"))
    table = hf.run("pull", TINY, "--dry-run")
    assert table.code == 0 and "model.safetensors" in table.out and "to download" in table.out


def test_include_exclude_and_yaml(hf):
    r = hf.run("pull", TINY, "--include", "*.json", "--include", "sub/", "--exclude", "tokenizer*", "-o", "yaml")
    assert r.code == 0, r
    data = yaml.safe_load(r.out)
    assert sorted(f["path"] for f in data["files"]) == ["config.json", "sub/extra.txt"]
    check_cache_layout(hf, TINY, ["config.json", "sub/extra.txt"])


def test_revision_tag_writes_its_ref(hf):
    r = hf.run("pull", TINY + "@v1.0", "--include", "config.json")
    assert r.code == 0, r
    check_cache_layout(hf, TINY, ["config.json"], refs=("v1.0",))
    assert not (hf.repo_dir(TINY) / "refs" / "main").exists()
    assert hf.run("pull", TINY, "--revision", "v1.0", "--include", "config.json").code == 0
    conflict = hf.run("pull", TINY + "@v1.0", "--revision", "main")
    assert conflict.code == 2 and "two revisions" in conflict.err


def test_local_dir_with_hf_metadata(hf, tmp_path):
    dest = tmp_path / "model"
    assert hf.run("pull", TINY, "--local-dir", dest, "--dry-run").code == 0
    assert not dest.exists()  # a dry run writes nothing
    r = hf.run("pull", TINY, "--local-dir", dest, "-o", "json")
    assert r.code == 0, r
    repo = hf.hub.repos[TINY]
    for path, f in repo.files.items():
        assert (dest / path).read_bytes() == f.data
        meta = (dest / ".cache" / "huggingface" / "download" / (path + ".metadata")).read_text().split("\n")
        assert meta[0] == repo.commit and meta[1] == (f.sha256 if f.lfs else f.oid)
    assert (dest / ".cache" / "huggingface" / ".gitignore").read_text() == "*"
    assert not list(dest.rglob("*.incomplete"))
    again = hf.run("pull", TINY, "--local-dir", dest, "-o", "json")
    assert {f["state"] for f in json.loads(again.out)["files"]} == {"cached"}


def test_gated_model_without_token(hf):
    r = hf.run("pull", GATED)
    assert r.code == 1, r
    assert "model llmctl-test/gated is gated: accept its license on the Hub and set HF_TOKEN" in r.err
    assert [p for p in hf.repo_dir(GATED).glob("blobs/*") if not p.name.endswith(".incomplete")] == []


def test_gated_model_with_a_wrong_token(hf):
    r = hf.run("pull", GATED, env={"HF_TOKEN": "hf_wrong"})
    assert r.code == 1, r
    assert "has no access" in r.err and "HF_TOKEN" in r.err


def test_gated_model_with_token_env_flag_and_file(hf):
    r = hf.run("pull", GATED, env={"HF_TOKEN": fakehub.GOOD_TOKEN})
    assert r.code == 0, r
    check_cache_layout(hf, GATED)
    # The token went to the Hub, never to the CDN.
    assert all(e["auth"] == "Bearer " + fakehub.GOOD_TOKEN for e in hf.hub.requests("hub", "/resolve/"))
    assert not any(e["auth"] for e in hf.hub.requests("cdn"))

    hf.home.mkdir(parents=True, exist_ok=True)
    (hf.home / "token").write_text(fakehub.GOOD_TOKEN + "\n")
    hf.cache.rename(hf.cache.parent / "old-cache")
    assert hf.run("pull", GATED).code == 0
    hf.cache.rename(hf.cache.parent / "old-cache-2")
    assert hf.run("pull", GATED, "--token", fakehub.GOOD_TOKEN, env={"HF_TOKEN": "hf_wrong"}).code == 0


def test_unknown_model_and_revision(hf):
    r = hf.run("pull", "llmctl-test/nope")
    assert r.code == 1 and "model llmctl-test/nope not found" in r.err, r
    r = hf.run("pull", TINY + "@v9")
    assert r.code == 1 and "revision 'v9' not found in model llmctl-test/tiny" in r.err, r
    r = hf.run("pull", "not a repo id")
    assert r.code == 2, r


def test_catalog_alias_maps_to_its_hf_id(hf):
    r = hf.run("pull", "qwen3-1.7b", "--dry-run")
    assert r.code == 1, r
    assert "model Qwen/Qwen3-1.7B not found on " + hf.hub.url in r.err


def test_hostile_file_names_are_refused(hf, tmp_path):
    for repo in ("llmctl-test/hostile", "llmctl-test/hostile-abs"):
        r = hf.run("pull", repo)
        assert r.code == 1, r
        assert "refusing file name" in r.err and "escape" in r.err
    assert not (hf.cache / "escape.txt").exists() and not (hf.cache.parent / "escape.txt").exists()
    assert not os.path.exists("/tmp/llmctl-pwned.txt")
    r = hf.run("pull", "llmctl-test/hostile", "--local-dir", tmp_path / "dest")
    assert r.code == 1 and not (tmp_path / "escape.txt").exists()


def test_unreachable_hub(hf):
    r = hf.run("pull", TINY, env={"HF_ENDPOINT": "http://127.0.0.1:9"})
    assert r.code == 1 and "cannot reach http://127.0.0.1:9" in r.err, r
    r = hf.run("pull", TINY, env={"HF_ENDPOINT": "http://no-such-host.invalid", "HF_HUB_ETAG_TIMEOUT": "5"})
    assert r.code == 1 and "cannot reach" in r.err, r


def test_offline_mode_uses_the_cache(hf):
    r = hf.run("pull", TINY, env={"HF_HUB_OFFLINE": "1"})
    assert r.code == 1 and "offline mode is on (HF_HUB_OFFLINE)" in r.err and "not in the cache" in r.err, r
    assert not hf.hub.log
    assert hf.run("pull", TINY).code == 0
    n = len(hf.hub.log)
    r = hf.run("pull", TINY, "-o", "json", env={"HF_HUB_OFFLINE": "1"})
    assert r.code == 0, r
    data = json.loads(r.out)
    assert data["source"] == "cache" and data["commit"] == hf.hub.repos[TINY].commit
    assert sorted(f["path"] for f in data["files"]) == sorted(hf.hub.repos[TINY].files)
    assert len(hf.hub.log) == n  # not a single request
    # The Hub unreachable: the cache answers too, and says so.
    r = hf.run("pull", TINY, "-o", "json", env={"HF_ENDPOINT": "http://127.0.0.1:9"})
    assert r.code == 0 and json.loads(r.out)["source"] == "cache" and "using the cached snapshot" in r.err, r
