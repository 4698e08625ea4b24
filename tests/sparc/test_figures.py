"""The per-galaxy figures of the report's gallery, on synthetic fits."""

from types import SimpleNamespace

import numpy as np
import pandas as pd

from physbench.provenance import sha256_file
from physbench.sparc.figures import galaxy_gallery


class FlatCurve:
    """A fit stand-in: a flat rotation curve of ``speed_kms`` sampled at 1-10 kpc."""

    def __init__(self, speed_kms: float, bic: float):
        self.speed_kms, self.result_ = speed_kms, SimpleNamespace(bic=bic, reduced_chi2=1.0)

    def predict(self, radius_kpc=None):
        radius = np.linspace(1, 10, 10) if radius_kpc is None else np.asarray(radius_kpc)
        return pd.DataFrame({"radius_kpc": radius, "vobs_kms": self.speed_kms, "verr_kms": 5.0,
                             "vmodel_kms": self.speed_kms})


def test_one_small_png_per_galaxy(tmp_path):
    fits = {name: {"nfw": FlatCurve(100.0, 3.0), "burkert": FlatCurve(110.0, 2.0)} for name in ("NGC3198", "DDO154")}
    galaxy_gallery(fits, tmp_path / "galaxies", tmp_path / "galaxies.tsv", dpi=70)
    pngs = sorted((tmp_path / "galaxies").glob("*.png"))
    assert [p.stem for p in pngs] == ["DDO154", "NGC3198"]
    manifest = pd.read_csv(tmp_path / "galaxies.tsv", sep="\t").set_index("galaxy")
    assert sorted(manifest.index) == ["DDO154", "NGC3198"]
    assert all(manifest.loc[p.stem, "sha256"] == sha256_file(p) for p in pngs)
    for png in pngs:
        data = png.read_bytes()
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert data.startswith(b"\x89PNG") and width <= 3 * 70 + 20 and height <= 2.2 * 70 + 20
        assert len(data) < 40_000
