"""Parsing of the SPARC .mrt tables and rotmod files, sample cuts, and the declared snapshot."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from physbench.data.manifest import load_manifest, upstream_source
from physbench.sparc.data import (
    SparcFormatError,
    read_galaxy_table,
    read_mrt,
    read_rotmod,
    rotmod_path,
    select_sample,
)

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "data" / "snapshots" / "sparc"
TABLE = SNAPSHOT / "SPARC_Lelli2016c.mrt"


@pytest.fixture(scope="module")
def table():
    return read_galaxy_table(TABLE)


def test_galaxy_table(table):
    assert len(table) == 175
    assert table["quality"].value_counts().to_dict() == {1: 99, 2: 64, 3: 12}
    assert table["vflat_kms"].notna().sum() == 135
    row = table.loc["NGC2403"]
    assert row["distance_mpc"] == 3.16
    assert row["inclination_deg"] == 63.0
    assert row["inclination_err_deg"] == 3.0
    assert row["vflat_kms"] == 131.2
    assert row["quality"] == 1
    assert table.loc["ESO116-G012", "luminosity_1e9lsun"] == 4.292


def test_sample_cuts(table):
    assert len(select_sample(table, [])) == 175
    assert len(select_sample(table, ["quality_lt3", "inclination_ge30"])) == 153
    assert select_sample(table, ["quality_1"], galaxies=["NGC2403", "CamB"]) == ["NGC2403"]
    with pytest.raises(KeyError, match="unknown sample cut"):
        select_sample(table, ["bright"])


def test_mass_models_table_equals_rotmod_files():
    models = read_mrt(SNAPSHOT / "MassModels_Lelli2016c.mrt")
    assert len(models) == 3391
    ngc2403 = models[models["ID"] == "NGC2403"]
    curve = read_rotmod(rotmod_path(SNAPSHOT, "NGC2403"))
    assert len(curve) == len(ngc2403) == 73
    assert curve.distance_mpc == 3.16
    assert list(curve.radius_kpc) == pytest.approx(list(ngc2403["R"]))
    assert list(curve.vobs_kms) == pytest.approx(list(ngc2403["Vobs"]))
    assert not curve.has_bulge
    assert read_rotmod(rotmod_path(SNAPSHOT, "NGC7814")).has_bulge


def test_malformed_table_line_names_file_and_line(tmp_path, table):
    lines = TABLE.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.split()[:1] == ["NGC2403"])
    fields = lines[index].split()
    fields[2] = "3.l6"  # distance with a letter
    lines[index] = " ".join(fields)
    broken = tmp_path / "SPARC_Lelli2016c.mrt"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(SparcFormatError, match=rf"SPARC_Lelli2016c.mrt:{index + 1}: field 'D'.*'3.l6'"):
        read_galaxy_table(broken)
    lines[index] = " ".join(fields[:5])
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(SparcFormatError, match=rf":{index + 1}: expected 19 whitespace-separated fields"):
        read_galaxy_table(broken)


def test_fixed_width_mrt_truncated_line(tmp_path):
    source = SNAPSHOT / "MassModels_Lelli2016c.mrt"
    lines = source.read_text().splitlines()
    lines[30] = lines[30][:40]
    broken = tmp_path / "models.mrt"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(SparcFormatError, match=r"models.mrt:31: data line has \d+ characters.*needs at least 76"):
        read_mrt(broken)


def test_malformed_rotmod_lines_name_file_and_line(tmp_path):
    lines = rotmod_path(SNAPSHOT, "DDO154").read_text().splitlines()
    broken = tmp_path / "DDO154_rotmod.dat"
    bad = lines.copy()
    bad[5] = bad[5].replace("\t", "\tx", 1)
    broken.write_text("\n".join(bad) + "\n")
    with pytest.raises(SparcFormatError, match=r"DDO154_rotmod.dat:6: column 'vobs_kms' is 'x"):
        read_rotmod(broken)
    bad = lines.copy()
    bad[4] = "\t".join(bad[4].split("\t")[:7])
    broken.write_text("\n".join(bad) + "\n")
    with pytest.raises(SparcFormatError, match=r"DDO154_rotmod.dat:5: expected 8 columns"):
        read_rotmod(broken)
    broken.write_text("\n".join(lines[1:]) + "\n")
    with pytest.raises(SparcFormatError, match="Distance"):
        read_rotmod(broken)


def test_manifest_declares_every_snapshot_file_with_its_checksum():
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    spec = config["datasets"]["sparc"]
    files = load_manifest("sparc", spec, root=REPO).entries
    assert len(files) == 177
    sources = {name: upstream_source(name, spec["upstream"]) for name in files}
    assert sum(1 for url, member in sources.values() if member) == 175
    for name, entry in files.items():
        data = Path(entry.snapshot).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry.sha256, name
        assert sources[name][0].startswith("http")
    sums = dict(reversed(line.split("  ", 1)) for line in (SNAPSHOT / "SHA256SUMS").read_text().splitlines())
    assert {name: sums[name] for name in files} == {name: entry.sha256 for name, entry in files.items()}
