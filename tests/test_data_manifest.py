"""Dataset manifests: the vendored ones, parsing with file and line in every error, safe names in the
manifest and the configuration, upstream patterns, and a pull that never writes outside its folder."""

import copy
import gzip
import hashlib
import re

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from physbench.data.manifest import (
    FILE_NAME,
    DataError,
    check_dataset_name,
    load_manifest,
    parse_manifest,
    upstream_source,
    write_manifest,
)
from physbench.data.pull import pull_dataset, target_path
from physbench.provenance import sha256_file
from tests.conftest import REPO

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())
SCHEMA = REPO / "workflow/schemas/config.schema.yaml"
# The dataset checksums the metrics record: supercon and sparc as before the manifests existed
# (provenance stays comparable), dysts_benchmark as first vendored.
DATASET_SHA256 = {"supercon": "46941f89d91f9a041df05454dd573c30bdd83338acaf080a3fe36076d1f1b7eb",
                  "sparc": "0e098e6203aa827881cdf259f99c5a268128d6e42741263397b6d23e005031c0",
                  "dysts_benchmark": "8e0a55949861f57ff2d45e8abee0c21a175fb74e25a96d26488ef71a5708f08f"}
HEADER = "file\tsha256\tsnapshot\n"
SHA = "ab" * 32


@pytest.mark.parametrize("name", sorted(CONFIG["datasets"]))
def test_vendored_manifest_matches_the_snapshot_and_its_sha256sums(name):
    spec = CONFIG["datasets"][name]
    manifest = load_manifest(name, spec, root=REPO)
    assert manifest.sha256 == sha256_file(REPO / spec["manifest"]) == spec["manifest_sha256"]
    assert manifest.checksum == DATASET_SHA256[name]
    folder = manifest.path.parent
    sums = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text().splitlines())
    for file, entry in manifest.entries.items():
        stored = (REPO / entry.snapshot).read_bytes()
        written = gzip.decompress(stored) if entry.snapshot.endswith(".gz") else stored
        assert hashlib.sha256(written).hexdigest() == entry.sha256, file
        assert sums[(REPO / entry.snapshot).relative_to(folder).as_posix()] == hashlib.sha256(stored).hexdigest()


def test_manifest_round_trip(tmp_path):
    rows = [("b/two.dat", SHA, "b/two.dat"), ("one.csv", "cd" * 32, "one.csv.gz")]
    path = tmp_path / "MANIFEST.tsv"
    sha256 = write_manifest(path, reversed(rows))
    assert sha256 == sha256_file(path)
    manifest = parse_manifest(path, path.read_bytes())
    assert manifest.files == ["b/two.dat", "one.csv"]
    folder = tmp_path.as_posix()
    assert [(e.file, e.sha256, e.snapshot) for e in manifest.entries.values()] == [
        ("b/two.dat", SHA, f"{folder}/b/two.dat"), ("one.csv", "cd" * 32, f"{folder}/one.csv.gz")]
    assert manifest.entries["one.csv"].where == f"{path}:7"  # 4 comment lines, the header, then the rows
    expected = hashlib.sha256(f"b/two.dat:{SHA}\none.csv:{'cd' * 32}\n".encode()).hexdigest()
    assert manifest.checksum == expected


@pytest.mark.parametrize("body, line, message", [
    (f"{HEADER}../evil.csv\t{SHA}\tevil.csv\n", 2, "column 'file': file name '../evil.csv' is not allowed"),
    (f"{HEADER}/etc/passwd\t{SHA}\tpasswd\n", 2, "column 'file': file name '/etc/passwd' is not allowed"),
    (f"{HEADER}sub/../../x\t{SHA}\tx\n", 2, "column 'file': file name 'sub/../../x' is not allowed"),
    (f"{HEADER}ok.csv\t{SHA}\t../../outside.csv\n", 2, "column 'snapshot': file name '../../outside.csv'"),
    (f"# note\n{HEADER}a//b\t{SHA}\tb\n", 3, "file name 'a//b' is not allowed"),
    (f"{HEADER}ok.csv\t{SHA[:-1]}\tok.csv\n", 2, "column 'sha256' of ok.csv is"),
    (f"{HEADER}ok.csv\t{SHA}\n", 2, "expected 3 tab-separated fields"),
    (f"{HEADER}ok.csv\t{SHA}\tok.csv\nok.csv\t{SHA}\tother.csv\n", 3, "ok.csv is listed twice (first at"),
    (f"file sha256 snapshot\nok.csv\t{SHA}\tok.csv\n", 1, "expected the header 'file\\tsha256\\tsnapshot'"),
])
def test_bad_manifest_line_is_named_with_the_column(tmp_path, body, line, message):
    path = tmp_path / "MANIFEST.tsv"
    with pytest.raises(DataError) as error:
        parse_manifest(path, body.encode())
    assert f"{path}:{line}: " in str(error.value) and message in str(error.value), str(error.value)


def test_empty_manifest_and_write_of_an_unsafe_row_are_refused(tmp_path):
    with pytest.raises(DataError, match="lists no files"):
        parse_manifest(tmp_path / "MANIFEST.tsv", b"# only a comment\n")
    with pytest.raises(DataError, match="'../x' is not allowed"):
        write_manifest(tmp_path / "MANIFEST.tsv", [("../x", SHA, "x")])
    assert not (tmp_path / "MANIFEST.tsv").exists()


def test_edited_manifest_is_refused_naming_the_pin_and_the_fix(tmp_path):
    path = tmp_path / "MANIFEST.tsv"
    pinned = write_manifest(path, [("a.csv", SHA, "a.csv")])
    path.write_text(path.read_text().replace(SHA, "cd" * 32))
    with pytest.raises(DataError) as error:
        load_manifest("demo", {"manifest": str(path), "manifest_sha256": pinned})
    actual = sha256_file(path)
    assert f"datasets.demo.manifest_sha256 is {pinned}" in str(error.value)
    assert f"set datasets.demo.manifest_sha256: {actual}" in str(error.value)
    with pytest.raises(DataError, match=r"manifest of datasets.demo \(key 'manifest'\) cannot be read"):
        load_manifest("demo", {"manifest": str(tmp_path / "missing.tsv"), "manifest_sha256": pinned})


@pytest.mark.parametrize("name", ["../x", "a/b", "/abs", "", "a.b"])
def test_unsafe_dataset_name_is_refused(name):
    with pytest.raises(DataError, match="letters, digits and _ only"):
        check_dataset_name(name)


def test_upstream_patterns_fill_the_name_and_must_not_overlap():
    upstream = {"table.mrt": {"url": "https://example.org/table.mrt"},
                "curves/*.dat": {"url": "https://example.org/curves.zip", "archive_member": "{name}"},
                "raw/*": {"url": "https://example.org/{file}"}}
    assert upstream_source("table.mrt", upstream) == ("https://example.org/table.mrt", None)
    assert upstream_source("curves/A_1.dat", upstream) == ("https://example.org/curves.zip", "A_1.dat")
    assert upstream_source("raw/b.csv", upstream) == ("https://example.org/raw/b.csv", None)
    assert upstream_source("derived.csv", upstream) is None
    with pytest.raises(DataError, match=r"curves/A.dat: matches several upstream patterns \['curves/\*.dat', 'curv"):
        upstream_source("curves/A.dat", {**upstream, "curves/A*": {"url": "https://example.org/a"}})
    with pytest.raises(DataError, match=r"only \{name\} and \{file\} are filled in"):
        upstream_source("table.mrt", {"*.mrt": {"url": "https://example.org/{stem}"}})


def _config_with(edit):
    config = copy.deepcopy(CONFIG)
    edit(config["datasets"])
    return config


@pytest.mark.parametrize("edit, key, value", [
    (lambda d: d.update({"../x": d["sparc"]}), "['datasets']", "'../x'"),
    (lambda d: d.update({"a/b": d["sparc"]}), "['datasets']", "'a/b'"),
    (lambda d: d["sparc"]["upstream"].update({"../evil.dat": {"url": "https://example.org/x"}}),
     "['datasets']['sparc']['upstream']", "'../evil.dat'"),
    (lambda d: d["sparc"]["upstream"].update({"/etc/x.dat": {"url": "https://example.org/x"}}),
     "['datasets']['sparc']['upstream']", "'/etc/x.dat'"),
    (lambda d: d["sparc"]["upstream"].update({"Rotmod_LTG/./*": {"url": "https://example.org/x"}}),
     "['datasets']['sparc']['upstream']", "'Rotmod_LTG/./*'"),
    (lambda d: d["supercon"].update(manifest="../MANIFEST.tsv"), "['datasets']['supercon']['manifest']",
     "'../MANIFEST.tsv'"),
    (lambda d: d["supercon"].update(manifest="/data/MANIFEST.tsv"), "['datasets']['supercon']['manifest']",
     "'/data/MANIFEST.tsv'"),
])
def test_schema_refuses_unsafe_names_naming_the_key(edit, key, value):
    validate(_config_with(lambda d: None), str(SCHEMA))  # the configuration as it is passes
    with pytest.raises(WorkflowError) as error:
        validate(_config_with(edit), str(SCHEMA))
    message = str(error.value)
    assert f"On instance{key}" in message and f"{value} does not match" in message, message


@pytest.mark.parametrize("name", ["a.csv", "Rotmod_LTG/D512-2_rotmod.dat", "x+y_1.gz", "../a", "/a", "a/./b",
                                  ".hidden", "a//b", "a/", "a\\b", "a b"])
def test_schema_and_package_agree_on_file_names(name):
    pattern = yaml.safe_load(SCHEMA.read_text())["$defs"]["dataset_file"]["pattern"]
    assert bool(re.search(pattern, name)) == bool(FILE_NAME.fullmatch(name))


def _dataset(tmp_path):
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    (snapshots / "plain.txt").write_bytes(b"plain\n")
    manifest = snapshots / "MANIFEST.tsv"
    sha256 = write_manifest(manifest, [("sub/plain.txt", hashlib.sha256(b"plain\n").hexdigest(), "plain.txt")])
    return {"manifest": str(manifest), "manifest_sha256": sha256}


def test_pull_refuses_a_target_that_a_link_leads_outside_and_writes_nothing(tmp_path):
    out, elsewhere = tmp_path / "raw/demo", tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir(parents=True)
    (out / "sub").symlink_to(elsewhere)
    dataset = _dataset(tmp_path)
    with pytest.raises(DataError) as error:
        pull_dataset("demo", dataset, "snapshot", out)
    message = str(error.value)
    assert f"{out}/sub/plain.txt: target of 'sub/plain.txt' resolves to {elsewhere}/plain.txt" in message, message
    assert f"outside {out}" in message and "nothing was written" in message
    assert list(elsewhere.iterdir()) == []
    (out / "sub").unlink()
    assert pull_dataset("demo", dataset, "snapshot", out) == [out / "sub/plain.txt"]


@pytest.mark.parametrize("file", ["../x.csv", "/etc/x.csv", "a/../../x.csv", "."])
def test_target_outside_the_output_folder_is_refused(tmp_path, file):
    with pytest.raises(DataError, match="outside"):
        target_path(tmp_path / "raw/demo", file)


def test_pull_refuses_an_unsafe_dataset_name(tmp_path):
    with pytest.raises(DataError, match=r"dataset name '\.\./demo' is not allowed"):
        pull_dataset("../demo", _dataset(tmp_path), "snapshot", tmp_path / "raw")
