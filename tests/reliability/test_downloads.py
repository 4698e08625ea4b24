"""Upstream downloads through Snakemake from a local HTTP server: bad downloads fail clearly, are
retried, and leave nothing in data/raw that a later rule would accept."""

import gzip
import http.server
import io
import threading
import zipfile
from collections import Counter

import pytest
import yaml

from physbench.data.manifest import load_manifest
from physbench.provenance import sha256_bytes
from tests.conftest import QUICK_CONFIG, REPO, copy_project, run_snakemake

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier

SNAPSHOT = REPO / "data/snapshots/supercon"
TARGET = "data/raw/supercon/unique_m.csv"
DOWNLOAD_RETRIES = 2  # per rule attempt (data.download_retries)
RULE_ATTEMPTS = 3  # pull_* rules have retries: 2


def zipped(member: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, data)
    return buffer.getvalue()


class Upstream(http.server.ThreadingHTTPServer):
    """Serves the SuperCon archive and element table; ``mode`` says how the archive goes wrong."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        compositions = gzip.decompress((SNAPSHOT / "unique_m.csv.gz").read_bytes())
        self.files = {"/supercon.zip": zipped("unique_m.csv", compositions),
                      "/element_properties.csv": (SNAPSHOT / "element_properties.csv").read_bytes()}
        self.wrong = zipped("unique_m.csv", compositions[: len(compositions) // 3])
        self.mode, self.failures_left, self.requests = "good", 0, Counter()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        server = self.server
        server.requests[self.path] += 1
        body = server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        mode = server.mode if self.path == "/supercon.zip" else "good"
        if mode == "flaky" and server.failures_left > 0:
            server.failures_left -= 1
            self.send_error(503, "try again")
            return
        if mode == "corrupt":
            body = bytes(b ^ 0x5A for b in body)
        elif mode == "wrong":
            body = server.wrong
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if mode == "truncated" else body)
        if mode == "truncated":
            self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def upstream():
    server = Upstream()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def project(tmp_path, upstream):
    project = copy_project(tmp_path / "project")
    (project / "upstream.yaml").write_text(yaml.safe_dump({
        "data": {"source": "upstream", "download_retries": DOWNLOAD_RETRIES},
        "datasets": {"supercon": {"upstream": {
            "unique_m.csv": {"url": f"{upstream.url}/supercon.zip"},
            "element_properties.csv": {"url": f"{upstream.url}/element_properties.csv"},
        }}},
    }))
    upstream.requests.clear()
    return project


def pull(project):
    return run_snakemake(project, TARGET, configfiles=(QUICK_CONFIG, "upstream.yaml"), check=False)


@pytest.mark.parametrize("mode, message, requests", [
    ("truncated", "download failed after 2 attempts", DOWNLOAD_RETRIES * RULE_ATTEMPTS),
    ("corrupt", "cannot extract unique_m.csv", RULE_ATTEMPTS),
    ("wrong", "checksum mismatch for unique_m.csv", RULE_ATTEMPTS),
])
def test_bad_download_fails_clearly_is_retried_and_leaves_nothing(project, upstream, mode, message, requests):
    upstream.mode = mode
    result = pull(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in output and f"{upstream.url}/supercon.zip" in output, output[-3000:]
    assert upstream.requests["/supercon.zip"] == requests
    raw = project / "data/raw/supercon"
    assert not raw.exists() or not [p for p in raw.rglob("*") if p.is_file()]


def test_transient_failures_are_retried_until_the_verified_file_arrives(project, upstream):
    upstream.mode, upstream.failures_left = "flaky", DOWNLOAD_RETRIES + 1  # fails a whole rule attempt, then one more
    result = pull(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert upstream.requests["/supercon.zip"] == DOWNLOAD_RETRIES + 2
    data = (project / TARGET).read_bytes()
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    manifest = load_manifest("supercon", config["datasets"]["supercon"], root=REPO)
    assert sha256_bytes(data) == manifest.entries["unique_m.csv"].sha256
