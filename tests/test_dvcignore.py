"""DVC versions .snakemake/metadata with the results; the records of outputs it does not version are ignored.

Otherwise a quick run (results-quick/) or a comparison (results/compare/) leaves records that
`dvc checkout` refuses to remove without --force.
"""

import subprocess
from base64 import urlsafe_b64encode

import pytest

from tests.conftest import DVC, REPO, TOOL_ENV


def record(output: str, long: bool = False) -> str:
    """Where Snakemake keeps the record of ``output`` (snakemake.persistence: urlsafe base64 of the path,
    split into @-prefixed folders of 254 characters when longer)."""
    name = urlsafe_b64encode(output.encode()).decode()
    return f".snakemake/metadata/@{name[:254]}/{name[254:]}" if long else f".snakemake/metadata/{name}"


def ignored_by_dvc(path: str) -> bool:
    result = subprocess.run([DVC, "check-ignore", path], cwd=REPO, env=TOOL_ENV, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode == 0


@pytest.mark.parametrize("output, ignored", [
    ("results-quick/supercon/metrics.parquet", True),
    ("results-dysts15/dysts_benchmark/summary.json", True),
    ("results-0/x.parquet", True),
    ("results/compare/0123abcd..results@5d7e922-1a2b3c4d/index.html", True),
    ("results/supercon/metrics.parquet", False),
    ("results/sparc/fits/li2020/nfw/chunk0/metrics.parquet", False),
    ("results/metrics.parquet", False),
    ("data/raw/sparc/SPARC_Lelli2016c.mrt", False),
])
def test_records_of_outputs_dvc_does_not_version_are_ignored(output, ignored):
    assert ignored_by_dvc(record(output)) is ignored
    folder, name = output.rsplit("/", 1)
    long_output = f"{folder}/{'x' * 200}/{name}"
    assert ignored_by_dvc(record(long_output, long=True)) is ignored
