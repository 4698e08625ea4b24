"""The HTML report of the pipeline's results: an overview page and one page per study.

:mod:`physbench.report.build` holds the entry points of the report rules, :mod:`~.studies` what
each study contributes, :mod:`~.html` the page template shared with :mod:`physbench.compare`.
"""
