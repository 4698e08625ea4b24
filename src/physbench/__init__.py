"""physbench: reproducible benchmark studies in physics (library behind the Snakemake workflow)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("physbench")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
