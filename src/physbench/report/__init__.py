"""The HTML report of the pipeline's results: an overview page and one page per study.

:mod:`physbench.report.build` holds the entry points of the report rules, :mod:`~.page` what
each study contributes, :mod:`~.pages` and :mod:`~.overview` the data of the pages, :mod:`~.html`
the Jinja2 environment and table and figure data shared with :mod:`physbench.compare`; the markup
is in the templates of ``templates/``.
"""
