"""Study 2: dark-matter halo fits to the SPARC rotation curves (Lelli, McGaugh & Schombert 2016).

Modules: ``data`` (the .mrt table and rotmod readers, sample cuts), ``darkexp`` (the self-consistent
DARKexp solver and its template table), ``halos`` (the halo registry), ``fitting`` (MAP fits with
priors on mass-to-light ratios, distance and inclination), ``summary`` and ``figures``, and
``steps`` (one function per Snakemake rule).
"""
