"""`llmctl bench serve` against the mock OpenAI server (tests/mockserver): the
reported metrics match the programmed behaviour, files are written, faults are
counted as failed requests."""
import csv
import json

import pytest

from bench_helpers import MockServer, mockserver_path


@pytest.fixture
def mock(llmctl_bin):
    servers = []

    def start(*args):
        server = MockServer(mockserver_path(llmctl_bin), *args)
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.close()


def approx2(value, expected):
    return abs(value - expected) <= 0.02 * expected


def test_bench_serve_matches_programmed_timings(run, mock, tmp_path):
    server = mock("--ttft-ms", "100", "--itl-ms", "20")
    out = tmp_path / "r.json"
    r = run("bench", "serve", "--base-url", server.url, "--endpoint", "/v1/chat/completions",
            "--num-prompts", "24", "--max-concurrency", "8", "--output-len", "6", "--input-len", "16",
            "--percentiles", "50,90", "--goodput", "ttft:200,tpot:30", "--save-result", out, "--seed", "1")
    assert r.code == 0, r
    assert r.out.startswith("============ Serving Benchmark Result ============\n")
    assert "Successful requests:                     24" in r.out
    data = json.loads(out.read_text())
    assert data["completed"] == 24 and data["failed"] == 0
    assert data["model_id"] == "mock"
    assert data["total_output_tokens"] == 24 * 6
    assert approx2(data["median_ttft_ms"], 100)
    assert approx2(data["median_itl_ms"], 20)
    assert approx2(data["median_tpot_ms"], 20)
    assert approx2(data["median_e2el_ms"], 100 + 5 * 20)
    assert data["max_concurrent_requests"] == 8
    assert data["request_goodput"] == pytest.approx(24 / data["duration"], rel=0.05)
    assert "p90_ttft_ms" in data
    rows = list(csv.DictReader((tmp_path / "r.csv").open()))
    assert len(rows) == 24
    assert {row["output_tokens_source"] for row in rows} == {"usage"}
    assert (tmp_path / "r.svg").read_text().startswith("<svg ")


def test_bench_serve_request_rate_is_kept(run, mock, tmp_path):
    server = mock("--ttft-ms", "1", "--itl-ms", "1")
    out = tmp_path / "r.json"
    r = run("bench", "serve", "--base-url", server.url, "--model", "mock", "--num-prompts", "300",
            "--request-rate", "150", "--output-len", "4", "--input-len", "8", "--save-result", out)
    assert r.code == 0, r
    data = json.loads(out.read_text())
    assert approx2(data["llmctl_achieved_request_rate"], 150)
    assert "Request rate configured (RPS):           150.00" in r.out
    assert data["median_llmctl_send_lag_ms"] < 2


def test_bench_serve_counts_failures(run, mock, tmp_path):
    server = mock("--fail-every", "3", "--drop-every", "7", "--ttft-ms", "2", "--itl-ms", "2", "--no-usage")
    out = tmp_path / "r.json"
    r = run("bench", "serve", "--base-url", server.url, "--model", "mock", "--num-prompts", "30",
            "--output-len", "5", "--no-ready-check", "--save-result", out)
    assert r.code == 0, r
    data = json.loads(out.read_text())
    # Mock request numbers 1..30: every 3rd is a 500 (10), every 7th not already one dropped (7, 14, 28).
    assert data["failed"] == 13
    assert data["completed"] == 17
    assert sum(1 for e in data["errors"] if e.startswith("HTTP 500")) == 10
    # No usage and no tokenizer: output tokens are the text chunks, and the console says so.
    assert "Output token counts from:                chunks 17" in r.out


def test_bench_serve_sweep(run, mock, tmp_path):
    server = mock("--ttft-ms", "5", "--itl-ms", "2")
    out = tmp_path / "s.json"
    r = run("bench", "serve", "--base-url", server.url, "--num-prompts", "16", "--output-len", "4",
            "--sweep", "concurrency=1,4", "--save-result", out)
    assert r.code == 0, r
    data = json.loads(out.read_text())
    assert [run_["max_concurrency"] for run_ in data["runs"]] == [1, 4]
    assert data["runs"][0]["max_concurrent_requests"] == 1
    assert (tmp_path / "s.c1.csv").exists() and (tmp_path / "s.c4.csv").exists()
    assert "max concurrency" in (tmp_path / "s.svg").read_text()
    assert r.out.count("Serving Benchmark Result") == 2


def test_bench_serve_usage_errors_and_unreachable_server(run):
    r = run("bench", "serve", "--base-url", "http://127.0.0.1:1", "--model", "m", "--goodput", "latency:3")
    assert r.code == 2, r
    r = run("bench", "serve", "--base-url", "http://127.0.0.1:1", "--model", "m", "--num-prompts", "2")
    assert r.code == 1, r
    assert "initial test request" in r.err
