#!/usr/bin/env python3
"""A fake Hugging Face Hub for llmctl's tests and benchmarks.

Two threaded HTTP servers on 127.0.0.1 (free ports): the Hub itself and a
"CDN" it redirects LFS downloads to, with the real endpoint shapes and headers:

  GET  /api/models/{id}[/revision/{rev}]        model info (sha, siblings, gated)
  GET  /api/models/{id}/tree/{rev}?recursive=1  file listing, paginated with Link
  HEAD/GET /{id}/resolve/{rev}/{file}           ETag, X-Repo-Commit; LFS files:
       302 to the CDN with X-Linked-Etag (sha256) and X-Linked-Size
  HEAD/GET CDN /lfs/{sha256}                    the bytes, with Range support;
       refuses requests carrying an Authorization header (a leaked token)

Errors carry X-Error-Code like the Hub's: RepoNotFound (401 anonymous, 404
with a token), RevisionNotFound, EntryNotFound, GatedRepo (401 without a
token, 403 with a wrong one). Faults can be injected per file (see
FakeHub.fault). Every request is logged for the tests to inspect.

Run directly for benchmarks:  fakehub.py --big-file PATH  (prints READY <url>).
"""

import argparse
import hashlib
import http.server
import json
import os
import random
import socket
import struct
import sys
import threading
import time
import urllib.parse

GOOD_TOKEN = "hf_fake_good_token"


def git_blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def commit_id(name):
    return hashlib.sha1(name.encode()).hexdigest()


def safetensors_bytes(tensors, seed=0):
    """A real safetensors file: [(name, dtype, shape)] with random data."""
    sizes = {"F32": 4, "BF16": 2, "F16": 2, "I8": 1, "U8": 1}
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, dtype, shape in tensors:
        n = sizes[dtype]
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the safetensors writer pads to 8 bytes
    return struct.pack("<Q", len(text)) + text + random.Random(seed).randbytes(offset)


class RepoFile:
    def __init__(self, path, data=None, lfs=False, disk_path=None, sha256=None):
        self.path, self.data, self.lfs, self.disk_path = path, data, lfs, disk_path
        self.size = len(data) if data is not None else os.path.getsize(disk_path)
        self.oid = git_blob_id(data) if data is not None else hashlib.sha1(path.encode()).hexdigest()
        self.sha256 = sha256 or (hashlib.sha256(data).hexdigest() if lfs and data is not None else None)

    def read(self, start, end):
        if self.data is not None:
            return self.data[start:end]
        with open(self.disk_path, "rb") as f:
            f.seek(start)
            return f.read(end - start)


class Repo:
    def __init__(self, repo_id, files, gated=False, tags=("v1.0",)):
        self.id, self.gated = repo_id, gated
        self.commit = commit_id(repo_id)
        self.files = {f.path: f for f in files}
        self.revisions = {"main": self.commit, self.commit: self.commit}
        self.revisions.update({t: self.commit for t in tags})


def standard_repos():
    config = json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64,
                         "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                         "intermediate_size": 128, "vocab_size": 1024, "max_position_embeddings": 2048},
                        indent=2).encode() + b"\n"
    tiny_weights = safetensors_bytes([("model.embed_tokens.weight", "BF16", [1024, 512]),
                                      ("lm_head.weight", "BF16", [1024, 512]),
                                      ("model.norm.weight", "F32", [512])], seed=1)
    tiny = Repo("llmctl-test/tiny", [
        RepoFile("config.json", config),
        RepoFile("tokenizer.json", b'{"version": "1.0", "model": {"type": "BPE"}}\n'),
        RepoFile("README.md", b"# tiny\n\nA tiny model for llmctl's tests.\n"),
        RepoFile("sub/extra.txt", b"nested file\n"),
        RepoFile("model.safetensors", tiny_weights, lfs=True),
    ])
    shard1 = safetensors_bytes([("model.embed_tokens.weight", "BF16", [2048, 1024]),
                                ("model.layers.0.mlp.down_proj.weight", "BF16", [512, 1024])], seed=2)
    shard2 = safetensors_bytes([("model.layers.1.mlp.down_proj.weight", "BF16", [512, 1024]),
                                ("lm_head.weight", "BF16", [2048, 1024]),
                                ("model.norm.weight", "F32", [1024])], seed=3)
    weight_map = {name: "model-00001-of-00002.safetensors"
                  for name in ("model.embed_tokens.weight", "model.layers.0.mlp.down_proj.weight")}
    weight_map.update({name: "model-00002-of-00002.safetensors"
                       for name in ("model.layers.1.mlp.down_proj.weight", "lm_head.weight", "model.norm.weight")})
    index = json.dumps({"metadata": {"total_size": len(shard1) + len(shard2) - 2 * 8},
                        "weight_map": weight_map}, indent=2).encode()
    sharded = Repo("llmctl-test/sharded", [
        RepoFile("config.json", config),
        RepoFile("model.safetensors.index.json", index),
        RepoFile("model-00001-of-00002.safetensors", shard1, lfs=True),
        RepoFile("model-00002-of-00002.safetensors", shard2, lfs=True),
    ])
    gated = Repo("llmctl-test/gated", [
        RepoFile("config.json", config),
        RepoFile("model.safetensors", safetensors_bytes([("w", "F32", [64])], seed=4), lfs=True),
    ], gated=True)
    hostile = Repo("llmctl-test/hostile", [RepoFile("config.json", config), RepoFile("../escape.txt", b"pwned\n")])
    hostile_abs = Repo("llmctl-test/hostile-abs",
                       [RepoFile("config.json", config), RepoFile("/tmp/llmctl-pwned.txt", b"pwned\n")])
    return [tiny, sharded, gated, hostile, hostile_abs]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakehub/1"

    def log_message(self, *args):  # quiet: the tests read FakeHub.log
        pass

    @property
    def hub(self):
        return self.server.hub

    def do_HEAD(self):
        self._dispatch(head=True)

    def do_GET(self):
        self._dispatch(head=False)

    def _dispatch(self, head):
        self._entry = {"server": self.server.role, "method": self.command, "path": self.path,
                       "range": self.headers.get("Range"), "auth": self.headers.get("Authorization"),
                       "status": None, "sent": 0}
        with self.hub.lock:
            self.hub.log.append(self._entry)
        delay = self.hub.latency
        if delay:
            time.sleep(delay)
        try:
            if self.server.role == "cdn":
                self._cdn(head)
            else:
                self._hub(head)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # ---- responses -------------------------------------------------------
    def _send(self, status, body=b"", headers=(), content_type="application/json", head=False):
        self._entry["status"] = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not head and body:
            self.wfile.write(body)
            self._entry["sent"] += len(body)

    def _error(self, status, code, message, head=False, headers=()):
        body = json.dumps({"error": message}).encode()
        self._send(status, body, [("X-Error-Code", code), ("X-Error-Message", message), *headers], head=head)

    def _authorized(self):
        return self.headers.get("Authorization") == "Bearer " + self.hub.token

    # ---- the Hub ---------------------------------------------------------
    def _hub(self, head):
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.split("/")[1:]  # still percent-encoded: a revision may contain %2F
        if parts[:2] == ["api", "models"] and len(parts) >= 4:
            return self._api(parts[2:], urllib.parse.parse_qs(url.query), head)
        if len(parts) >= 5 and parts[2] == "resolve":
            return self._resolve(parts, head)
        self._error(404, "NotFound", "no route " + url.path, head)

    def _repo_or_error(self, org, name, head):
        repo = self.hub.repos.get(urllib.parse.unquote(org) + "/" + urllib.parse.unquote(name))
        if repo is None:
            status = 404 if self.headers.get("Authorization") else 401
            self._error(status, "RepoNotFound", "Repository Not Found", head)
        return repo

    def _revision_or_error(self, repo, rev, head):
        commit = repo.revisions.get(urllib.parse.unquote(rev))
        if commit is None:
            self._error(404, "RevisionNotFound", "Invalid rev id: " + urllib.parse.unquote(rev), head)
        return commit

    def _api(self, parts, query, head):
        repo = self._repo_or_error(parts[0], parts[1], head)
        if repo is None:
            return
        rest = parts[2:]
        rev = rest[1] if len(rest) >= 2 and rest[0] in ("revision", "tree") else "main"
        commit = self._revision_or_error(repo, rev, head)
        if commit is None:
            return
        if not rest or rest[0] == "revision":
            info = {"_id": repo.commit[:24], "id": repo.id, "modelId": repo.id, "sha": commit,
                    "private": False, "disabled": False, "gated": "manual" if repo.gated else False,
                    "siblings": [{"rfilename": p} for p in sorted(repo.files)]}
            return self._send(200, json.dumps(info).encode(), head=head)
        if rest[0] == "tree":
            entries = []
            for path in sorted(repo.files):
                f = repo.files[path]
                entry = {"type": "file", "oid": f.oid, "size": f.size, "path": path}
                if f.lfs:
                    entry["lfs"] = {"oid": f.sha256, "size": f.size, "pointerSize": 134}
                entries.append(entry)
            dirs = sorted({p.rsplit("/", 1)[0] for p in repo.files if "/" in p and not p.startswith("/")})
            entries = [{"type": "directory", "oid": "0" * 40, "size": 0, "path": d} for d in dirs] + entries
            start = int(query.get("cursor", ["0"])[0])
            page = entries[start:start + self.hub.page_size]
            headers = []
            if start + self.hub.page_size < len(entries):
                link = "%s/api/models/%s/tree/%s?recursive=true&cursor=%d" % (
                    self.hub.url, repo.id, rest[1], start + self.hub.page_size)
                headers.append(("Link", '<%s>; rel="next"' % link))
            return self._send(200, json.dumps(page).encode(), headers, head=head)
        self._error(404, "NotFound", "no route", head)

    def _resolve(self, parts, head):
        repo = self._repo_or_error(parts[0], parts[1], head)
        if repo is None:
            return
        commit = self._revision_or_error(repo, parts[3], head)
        if commit is None:
            return
        if repo.gated and not self._authorized():
            status = 403 if self.headers.get("Authorization") else 401
            return self._error(status, "GatedRepo", "Access to model %s is restricted." % repo.id, head)
        path = "/".join(urllib.parse.unquote(p) for p in parts[4:])
        f = repo.files.get(path)
        if f is None:
            return self._error(404, "EntryNotFound", "Entry not found", head, [("X-Repo-Commit", commit)])
        common = [("X-Repo-Commit", commit), ("Accept-Ranges", "bytes")]
        if f.lfs:
            location = "%s/lfs/%s?repo=%s" % (self.hub.cdn_url, f.sha256, urllib.parse.quote(repo.id, safe=""))
            return self._send(302, b"", common + [("Location", location), ("ETag", '"%s"' % git_blob_id(f.path.encode())),
                                                  ("X-Linked-Etag", '"%s"' % f.sha256),
                                                  ("X-Linked-Size", str(f.size))], head=head)
        self._serve_bytes(f, head, common + [("ETag", '"%s"' % f.oid)])

    # ---- the CDN ---------------------------------------------------------
    def _cdn(self, head):
        if self.headers.get("Authorization"):
            return self._error(400, "TokenLeaked", "Authorization header must not be sent to the CDN", head)
        sha = urllib.parse.urlsplit(self.path).path.rsplit("/", 1)[-1]
        f = self.hub.by_sha.get(sha)
        if f is None:
            return self._error(404, "NoSuchKey", "no such object", head)
        self._serve_bytes(f, head, [("ETag", '"%s"' % sha)])

    def _serve_bytes(self, f, head, headers):
        start, end, status = 0, f.size, 200
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            first, _, last = rng[6:].partition("-")
            start = int(first)
            end = min(f.size, int(last) + 1) if last else f.size
            if start >= f.size:
                return self._send(416, b"", [("Content-Range", "bytes */%d" % f.size)], head=head)
            status = 206
            headers = headers + [("Content-Range", "bytes %d-%d/%d" % (start, end - 1, f.size))]
        fault = self.hub.take_fault(f.path) if not head else None
        self._entry["status"] = status
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if head:
            return
        self._stream(f, start, end, fault)

    def _stream(self, f, start, end, fault):
        kind = fault["kind"] if fault else None
        promised = end
        if kind == "truncate_at":  # the server's copy ends early; the connection closes cleanly
            end = min(end, fault["offset"])
        stop_after = fault.get("after") if kind == "drop" else None
        if kind == "stall":  # the server stops sending at this offset of the file and holds the connection
            stop_after = max(0, fault["offset"] - start)
        pos, chunk = start, fault.get("chunk", 1 << 20) if kind == "slow" else 1 << 20
        if f.disk_path and not fault:
            with open(f.disk_path, "rb") as src:  # zero-copy for the benchmark's big file
                while pos < end:
                    n = os.sendfile(self.connection.fileno(), src.fileno(), pos, min(end - pos, 1 << 30))
                    if n <= 0:
                        break
                    pos += n
                    self._entry["sent"] += n
            return
        while pos < end:
            n = min(chunk, end - pos)
            if stop_after is not None:
                n = min(n, start + stop_after - pos)
                if n <= 0:
                    break
            data = f.read(pos, pos + n)
            if kind == "corrupt" and pos == start:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            self.wfile.write(data)
            self.wfile.flush()
            self._entry["sent"] += n
            pos += n
            if kind == "slow":
                time.sleep(fault.get("delay", 0.05))
        if kind == "stall" and pos < end:
            time.sleep(fault.get("seconds", 30))
        if pos < promised:
            self._hang_up(reset=(kind == "drop"))

    def _hang_up(self, reset):
        self.close_connection = True
        if reset:  # an abortive close: the client sees "connection reset"
            time.sleep(0.2)  # let the bytes sent so far reach the client before the RST discards them
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class FakeHub:
    """Both servers, the repositories and the fault switchboard."""

    def __init__(self, repos=None, token=GOOD_TOKEN, page_size=3):
        self.repos = {r.id: r for r in (repos if repos is not None else standard_repos())}
        self.by_sha = {f.sha256: f for r in self.repos.values() for f in r.files.values() if f.lfs}
        self.token, self.page_size = token, page_size
        self.faults, self.log, self.lock, self.latency = {}, [], threading.Lock(), 0.0
        self._servers = []
        for role in ("hub", "cdn"):
            server = _Server(("127.0.0.1", 0), _Handler)
            server.hub, server.role = self, role
            self._servers.append(server)
        self.url = "http://127.0.0.1:%d" % self._servers[0].server_address[1]
        self.cdn_url = "http://127.0.0.1:%d" % self._servers[1].server_address[1]

    def start(self):
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def fault(self, path, kind, times=None, **params):
        """Injects a fault into the next `times` (None: all) downloads of `path`:
        drop (after=N bytes, then a connection reset), truncate_at (offset=N:
        the server's copy ends there), corrupt (one flipped byte), slow
        (delay=s between chunks of chunk=N bytes), stall (offset=N, seconds=s:
        the server goes silent at that offset)."""
        with self.lock:
            self.faults[path] = dict(kind=kind, times=times, **params)

    def take_fault(self, path):
        with self.lock:
            fault = self.faults.get(path)
            if fault is None:
                return None
            if fault["times"] is not None:
                fault["times"] -= 1
                if fault["times"] <= 0:
                    del self.faults[path]
            return fault

    def requests(self, server=None, path_contains=""):
        with self.lock:
            return [e for e in self.log if (server is None or e["server"] == server) and path_contains in e["path"]]

    def bytes_sent(self):
        with self.lock:
            return sum(e["sent"] for e in self.log)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--big-file", help="serve this file as llmctl-bench/big: big.bin (LFS, via the CDN)")
    args = parser.parse_args()
    repos = standard_repos()
    if args.big_file:
        digest = hashlib.sha256()
        with open(args.big_file, "rb") as f:
            for block in iter(lambda: f.read(1 << 24), b""):
                digest.update(block)
        repos.append(Repo("llmctl-bench/big", [RepoFile("big.bin", lfs=True, disk_path=args.big_file,
                                                        sha256=digest.hexdigest())]))
    hub = FakeHub(repos).start()
    print("READY", hub.url, hub.cdn_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        hub.stop()


if __name__ == "__main__":
    sys.exit(main())
