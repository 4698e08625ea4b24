"""Study 3: forecasters on the chaotic flows of dysts, scored in Lyapunov times and sMAPE.

Modules: :mod:`systems` (selection and deterministic integration), :mod:`loader` (the published
dysts benchmark JSON format), :mod:`forecasters` (the registry), :mod:`scores` (sMAPE, VPT,
attractor distances), :mod:`study` (one forecast job, summary) and :mod:`figures`.
"""
