"""The data layer: snapshots, upstream downloads from a local server, checksum failures."""

import gzip
import hashlib
import http.server
import io
import threading
import zipfile

import pytest

from physbench.data.manifest import write_manifest
from physbench.data.pull import DataError, DownloadLimits, download, pull_dataset

PAYLOAD = b"a,b\n1,2\n"
SHA = hashlib.sha256(PAYLOAD).hexdigest()


def dataset(tmp_path, sha=SHA, url=None, member=None):
    """A dataset entry as in config.yaml: table.csv (gzipped snapshot) and sub/plain.txt, with a manifest."""
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir(exist_ok=True)
    (snapshots / "table.csv.gz").write_bytes(gzip.compress(PAYLOAD))
    (snapshots / "plain.txt").write_bytes(b"plain\n")
    manifest = snapshots / "MANIFEST.tsv"
    manifest_sha256 = write_manifest(manifest, [("table.csv", sha, "table.csv.gz"),
                                                ("sub/plain.txt", hashlib.sha256(b"plain\n").hexdigest(), "plain.txt")])
    upstream = {"sub/plain.txt": {"url": url or "unused"}}
    if url:
        upstream["table.csv"] = {"url": url}
    if member:
        upstream["table.csv"]["archive_member"] = member
    return {"manifest": str(manifest), "manifest_sha256": manifest_sha256, "upstream": upstream}


def test_snapshot_pull_decompresses_and_verifies(tmp_path):
    out = tmp_path / "raw"
    pull_dataset("demo", dataset(tmp_path), "snapshot", out)
    assert (out / "table.csv").read_bytes() == PAYLOAD
    assert (out / "sub/plain.txt").read_bytes() == b"plain\n"


def test_wrong_checksum_fails_clearly_and_writes_nothing(tmp_path):
    out = tmp_path / "raw"
    with pytest.raises(DataError) as err:
        pull_dataset("demo", dataset(tmp_path, sha="0" * 64), "snapshot", out)
    message = str(err.value)
    assert "table.csv" in message and "0" * 64 in message and SHA in message
    assert not out.exists() or not any(out.rglob("*"))


def test_corrupt_snapshot_fails_clearly(tmp_path):
    spec = dataset(tmp_path)
    (tmp_path / "snapshots" / "table.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match="table.csv"):
        pull_dataset("demo", spec, "snapshot", tmp_path / "raw")
    assert not (tmp_path / "raw").exists()


def test_upstream_without_url_names_the_file(tmp_path):
    spec = dataset(tmp_path)
    with pytest.raises(DataError, match="table.csv: no upstream URL"):
        pull_dataset("demo", spec, "upstream", tmp_path / "raw")


class _Server:
    """A tiny HTTP server on 127.0.0.1 serving a dict of path -> list of responses (one per request)."""

    def __init__(self, routes):
        self.routes = routes
        self.hits = {}
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.hits[self.path] = outer.hits.get(self.path, 0) + 1
                answers = outer.routes[self.path]
                body, declared = answers[min(outer.hits[self.path], len(answers)) - 1]
                self.send_response(200)
                if declared != "none":  # "none": no Content-Length, the body ends when the connection closes
                    self.send_header("Content-Length", str(declared if declared is not None else len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def zipped(**members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_upstream_zip_member_and_retry_after_truncation(tmp_path, monkeypatch):
    monkeypatch.setattr("physbench.data.pull.time.sleep", lambda s: None)
    archive = zipped(**{"table.csv": PAYLOAD, "plain.txt": b"plain\n"})
    # First answer is cut short (declared length larger than the body), the second is complete.
    server = _Server({"/data.zip": [(archive[:20], len(archive)), (archive, None)]})
    try:
        spec = dataset(tmp_path, url=f"{server.url}/data.zip", member="table.csv")
        spec["upstream"]["sub/plain.txt"].update(url=f"{server.url}/data.zip", archive_member="{name}")
        pull_dataset("demo", spec, "upstream", tmp_path / "raw", DownloadLimits(retries=3))
    finally:
        server.close()
    assert (tmp_path / "raw/table.csv").read_bytes() == PAYLOAD
    assert server.hits["/data.zip"] == 2  # retried once, then cached for the second member


def test_upstream_wrong_content_fails_after_retries_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("physbench.data.pull.time.sleep", lambda s: None)
    server = _Server({"/table.csv": [(b"something else\n", None)], "/plain.txt": [(b"plain\n", None)]})
    try:
        spec = dataset(tmp_path, url=f"{server.url}/table.csv")
        spec["upstream"]["sub/plain.txt"]["url"] = f"{server.url}/plain.txt"
        with pytest.raises(DataError, match="checksum mismatch for table.csv"):
            pull_dataset("demo", spec, "upstream", tmp_path / "raw")
    finally:
        server.close()
    assert not (tmp_path / "raw").exists()


def test_download_failure_is_retried_then_reported(tmp_path, monkeypatch):
    monkeypatch.setattr("physbench.data.pull.time.sleep", lambda s: None)
    server = _Server({"/x": [(b"", 100)]})
    try:
        spec = dataset(tmp_path, url=f"{server.url}/x")
        with pytest.raises(DataError, match="after 3 attempts"):
            pull_dataset("demo", spec, "upstream", tmp_path / "raw", DownloadLimits(retries=3))
    finally:
        server.close()
    assert server.hits["/x"] == 3


@pytest.mark.parametrize("declared", [True, False])
def test_a_download_over_the_size_cap_stops_at_once(declared):
    """A declared or streamed body over the cap is refused without retrying (data.max_download_mb)."""
    server = _Server({"/big": [(b"x" * 5000, None if declared else "none")]})
    try:
        with pytest.raises(DataError, match="more than the 1,000 bytes allowed"):
            download(f"{server.url}/big", DownloadLimits(retries=3, max_bytes=1000))
    finally:
        server.close()
    assert server.hits["/big"] == 1


def test_downloads_have_an_overall_deadline(monkeypatch):
    clock = iter(range(0, 10_000, 100))  # every look at the clock is 100 s later
    monkeypatch.setattr("physbench.data.pull.time.monotonic", lambda: next(clock))
    server = _Server({"/slow": [(b"data", None)]})
    try:
        with pytest.raises(DataError, match="within 150 s"):
            download(f"{server.url}/slow", DownloadLimits(retries=3, deadline_s=150))
    finally:
        server.close()


def test_a_zip_member_over_the_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    read = zipfile.ZipFile.read
    monkeypatch.setattr("zipfile.ZipFile.read", lambda archive, name, *args: pytest.fail("the member was read")
                        if name == "table.csv" else read(archive, name, *args))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:  # 5,000 bytes packed into ~130
        archive.writestr("table.csv", b"y" * 5000)
        archive.writestr("plain.txt", b"plain\n")
    server = _Server({"/data.zip": [(buffer.getvalue(), None)]})
    try:
        spec = dataset(tmp_path, url=f"{server.url}/data.zip", member="table.csv")
        spec["upstream"]["sub/plain.txt"].update(url=f"{server.url}/data.zip", archive_member="{name}")
        with pytest.raises(DataError, match="member table.csv would extract to 5,000 bytes"):
            pull_dataset("demo", spec, "upstream", tmp_path / "raw", DownloadLimits(max_bytes=4000))
    finally:
        server.close()
    assert not (tmp_path / "raw").exists()
