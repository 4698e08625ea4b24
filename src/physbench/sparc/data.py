"""Readers for the SPARC release: the fixed-width galaxy table (.mrt) and the per-galaxy rotmod files.

Both readers fail on the first malformed line with a :class:`SparcFormatError` that names the
file, the line number and the field, and says what was expected.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MRT_FIELD = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s+([AIF][\d.]+)\s+(\S+)\s+(\S+)\s+(.*)$")
MRT_SINGLE = re.compile(r"^\s*(\d+)\s+([AIF][\d.]+)\s+(\S+)\s+(\S+)\s+(.*)$")

# Table 1 labels -> column names used in the package (units in the names).
GALAXY_COLUMNS = {
    "Galaxy": "galaxy", "T": "hubble_type", "D": "distance_mpc", "e_D": "distance_err_mpc",
    "f_D": "distance_method", "Inc": "inclination_deg", "e_Inc": "inclination_err_deg",
    "L[3.6]": "luminosity_1e9lsun", "e_L[3.6]": "luminosity_err_1e9lsun", "Reff": "r_eff_kpc",
    "SBeff": "sb_eff_lsun_pc2", "Rdisk": "r_disk_kpc", "SBdisk": "sb_disk_lsun_pc2",
    "MHI": "mass_hi_1e9msun", "RHI": "r_hi_kpc", "Vflat": "vflat_kms", "e_Vflat": "vflat_err_kms",
    "Q": "quality", "Ref.": "references",
}
ROTMOD_COLUMNS = ("radius_kpc", "vobs_kms", "verr_kms", "vgas_kms", "vdisk_kms", "vbul_kms",
                  "sb_disk_lsun_pc2", "sb_bul_lsun_pc2")
DISTANCE_HEADER = re.compile(r"^#\s*Distance\s*=\s*([0-9.eE+-]+)\s*Mpc\s*$")

TABLE_FILE = "SPARC_Lelli2016c.mrt"  # SPARC Table 1 (galaxy properties) in the dataset


class SparcFormatError(ValueError):
    """A SPARC file does not have the documented layout; the message names file, line and field."""


@dataclass(frozen=True)
class MrtField:
    """One column of a byte-by-byte description (1-based inclusive byte range)."""

    first: int
    last: int
    fmt: str
    units: str
    label: str

    def parse(self, text: str, where: str):
        """Convert the field's text; blank numeric fields become NaN (integers: None)."""
        value = text.strip()
        kind = self.fmt[0]
        if kind == "A":
            return value
        if not value:
            return math.nan if kind == "F" else None
        try:
            return int(value) if kind == "I" else float(value)
        except ValueError:
            raise SparcFormatError(
                f"{where}: field {self.label!r} (bytes {self.first}-{self.last}, format {self.fmt}) is "
                f"{value!r}, not a number; fix the line or restore the upstream file"
            ) from None


def read_mrt(path: str | os.PathLike) -> pd.DataFrame:
    """Read a machine-readable (AAS .mrt) fixed-width table using its own byte-by-byte header.

    Returns one row per data line with the header labels as columns.
    """
    path = Path(path)
    lines = path.read_text(encoding="ascii", errors="replace").splitlines()
    start = next((k for k, line in enumerate(lines) if line.startswith("Byte-by-byte Description")), None)
    if start is None:
        raise SparcFormatError(f"{path}: no 'Byte-by-byte Description' header; is this an .mrt table?")
    # Layout: rule, column titles, rule, one line per field, rule, notes, rule, data.
    rules = [k for k in range(start + 1, len(lines)) if lines[k].startswith("-----")]
    if len(rules) < 3:
        raise SparcFormatError(f"{path}: the byte-by-byte header is not closed by '-----' rules")
    fields: list[MrtField] = []
    for k in range(rules[1] + 1, rules[2]):
        match = MRT_FIELD.match(lines[k])
        if match:
            fields.append(MrtField(int(match[1]), int(match[2]), match[3], match[4], match[5]))
        elif single := MRT_SINGLE.match(lines[k]):
            fields.append(MrtField(int(single[1]), int(single[1]), single[2], single[3], single[4]))
    if not fields:
        raise SparcFormatError(f"{path}:{rules[1] + 2}: no field descriptions after the column titles")
    data_start = rules[-1] + 1
    data = [(k + 1, lines[k].rstrip()) for k in range(data_start, len(lines)) if lines[k].strip()]
    declared = max(f.last for f in fields)
    # SPARC Table 1 is written one byte wider per field than its header declares (131 against 113
    # bytes): when lines overrun the declared layout, read the fields in order as whitespace tokens.
    tokens = any(len(line) > declared for _, line in data)
    rows = []
    for number, line in data:
        where = f"{path}:{number}"
        if tokens:
            parts = line.split(None, len(fields) - 1)
            if len(parts) != len(fields):
                raise SparcFormatError(
                    f"{where}: expected {len(fields)} whitespace-separated fields "
                    f"({', '.join(f.label for f in fields)}), found {len(parts)}"
                )
            rows.append({f.label: f.parse(text, where) for f, text in zip(fields, parts)})
            continue
        needed = max(f.last for f in fields if f.fmt[0] != "A")
        if len(line) < needed:
            raise SparcFormatError(
                f"{where}: data line has {len(line)} characters, the byte-by-byte header needs at least "
                f"{needed}; the line is truncated or not fixed-width"
            )
        rows.append({f.label: f.parse(line[f.first - 1:f.last], where) for f in fields})
    return pd.DataFrame(rows, columns=[f.label for f in fields])


def read_galaxy_table(path: str | os.PathLike) -> pd.DataFrame:
    """SPARC Table 1 (SPARC_Lelli2016c.mrt) with package column names, indexed by galaxy name."""
    table = read_mrt(path)
    missing = [label for label in GALAXY_COLUMNS if label not in table]
    if missing:
        raise SparcFormatError(f"{path}: Table 1 lacks column(s) {missing} in its byte-by-byte header")
    table = table.rename(columns=GALAXY_COLUMNS).loc[:, list(GALAXY_COLUMNS.values())]
    duplicated = table["galaxy"].duplicated()
    if duplicated.any():
        raise SparcFormatError(f"{path}: galaxy {table['galaxy'][duplicated].iloc[0]!r} appears twice")
    table["vflat_kms"] = table["vflat_kms"].where(table["vflat_kms"] > 0)
    return table.set_index("galaxy")


@dataclass
class RotationCurve:
    """One galaxy's rotation curve and baryonic mass model (SPARC rotmod file).

    Velocities in km/s (disk and bulge for a mass-to-light ratio of 1 at 3.6 micron), radii in kpc,
    ``distance_mpc`` the distance the file was computed for.
    """

    name: str
    distance_mpc: float
    data: pd.DataFrame

    @property
    def radius_kpc(self) -> np.ndarray:
        return self.data["radius_kpc"].to_numpy()

    @property
    def vobs_kms(self) -> np.ndarray:
        return self.data["vobs_kms"].to_numpy()

    @property
    def verr_kms(self) -> np.ndarray:
        return self.data["verr_kms"].to_numpy()

    @property
    def has_bulge(self) -> bool:
        return bool(np.any(self.data["vbul_kms"].to_numpy() != 0))

    def __len__(self) -> int:
        return len(self.data)


def read_rotmod(path: str | os.PathLike, name: str | None = None) -> RotationCurve:
    """Read a ``NAME_rotmod.dat`` file: a '# Distance = D Mpc' header, then 8 numeric columns per line."""
    path = Path(path)
    name = name or path.name.removesuffix("_rotmod.dat")
    distance = None
    rows = []
    for number, line in enumerate(path.read_text(encoding="ascii", errors="replace").splitlines(), start=1):
        where = f"{path}:{number}"
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            match = DISTANCE_HEADER.match(stripped)
            if match:
                distance = float(match[1])
            continue
        parts = stripped.split()
        if len(parts) != len(ROTMOD_COLUMNS):
            raise SparcFormatError(
                f"{where}: expected {len(ROTMOD_COLUMNS)} columns ({', '.join(ROTMOD_COLUMNS)}), found {len(parts)}"
            )
        values = []
        for column, text in zip(ROTMOD_COLUMNS, parts):
            try:
                value = float(text)
            except ValueError:
                raise SparcFormatError(f"{where}: column {column!r} is {text!r}, not a number") from None
            if not math.isfinite(value):
                raise SparcFormatError(f"{where}: column {column!r} is {text!r}, not a finite number")
            values.append(value)
        if values[0] <= 0 or values[2] <= 0:
            raise SparcFormatError(
                f"{where}: radius_kpc and verr_kms must be positive, got {values[0]} and {values[2]}"
            )
        rows.append(values)
    if distance is None:
        raise SparcFormatError(f"{path}: no '# Distance = D Mpc' header line")
    if len(rows) < 2:
        raise SparcFormatError(f"{path}: {len(rows)} data line(s); a rotation curve needs at least 2")
    return RotationCurve(name, distance, pd.DataFrame(rows, columns=list(ROTMOD_COLUMNS)))


def rotmod_path(data_dir: str | os.PathLike, galaxy: str) -> Path:
    return Path(data_dir) / "Rotmod_LTG" / f"{galaxy}_rotmod.dat"


# Named sample cuts on Table 1 (a config lists which to apply; all must hold).
SAMPLE_CUTS = {
    "quality_lt3": ("Q < 3 (drops the 12 low-quality curves)", lambda t: t["quality"] < 3),
    "inclination_ge30": ("inclination >= 30 deg", lambda t: t["inclination_deg"] >= 30),
    "quality_1": ("Q = 1 (high quality only)", lambda t: t["quality"] == 1),
    "has_vflat": ("Vflat defined", lambda t: t["vflat_kms"].notna()),
    # Needs the vlast_kms column of load_galaxy_table.
    "vlast_20_200": ("last measured velocity 20-200 km/s", lambda t: t["vlast_kms"].between(20.0, 200.0)),
}


def load_galaxy_table(data_dir: str | os.PathLike) -> pd.DataFrame:
    """Table 1 of the SPARC files in ``data_dir``, plus ``vlast_kms``: the last measured velocity of each curve."""
    table = read_galaxy_table(Path(data_dir) / TABLE_FILE)
    curves = (read_rotmod(rotmod_path(data_dir, name), name) for name in table.index)
    table["vlast_kms"] = [curve.vobs_kms[np.argmax(curve.radius_kpc)] for curve in curves]
    return table


def select_sample(table: pd.DataFrame, cuts: list[str], galaxies: list[str] | None = None) -> list[str]:
    """Galaxy names passing every named cut (and in ``galaxies`` when given), in table order."""
    keep = pd.Series(True, index=table.index)
    for cut in cuts:
        if cut not in SAMPLE_CUTS:
            raise KeyError(f"unknown sample cut {cut!r}; known: {sorted(SAMPLE_CUTS)}")
        keep &= SAMPLE_CUTS[cut][1](table)
    if galaxies is not None:
        unknown = [g for g in galaxies if g not in table.index]
        if unknown:
            raise KeyError(f"galaxies {unknown} are not in the SPARC table")
        keep &= table.index.isin(galaxies)
    return list(table.index[keep])
