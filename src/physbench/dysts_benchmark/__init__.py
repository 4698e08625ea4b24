"""Study 4: the published dysts forecasting benchmark (Gilpin 2021), run by its own protocol.

- :mod:`.data`: readers of the published files (trajectories, darts results, darts hyper-parameters).
- :mod:`.protocol`: the split, the scores (sMAPE 0-200, MAE, MSE over the points the reference
  scores) and darts' naive reference models.
- :mod:`.run`: our registered forecasters by that protocol, hyper-parameters chosen on the train
  file only; one row per (system, model).
- :mod:`.leaderboard`: the per-(system, model) table with the published rows, medians with
  bootstrap intervals, wins and paired Wilcoxon tests against each published model.
"""
