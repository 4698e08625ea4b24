"""Ensemble of echo state networks: the median of several seeded reservoirs, run in lockstep."""

from __future__ import annotations

import numpy as np

from physbench.chaos.forecasters import Forecaster
from physbench.chaos.forecasters.esn import EchoStateNetwork


class EchoStateEnsemble(Forecaster):
    """Median forecast of ``members`` echo state networks with seeds ``seed``, ``seed + 1``, ...

    Every member is an :class:`EchoStateNetwork` with the same hyper-parameters. The members are
    synchronised on the context and then run in closed loop together; each step's states are
    clipped to +-``clip`` standardised units. With ``feedback = "median"`` every member is fed the
    ensemble median (the members correct each other); with ``"own"`` each is fed its own output.
    """

    name = "esn_ensemble"
    cost = 50.0
    length_params = EchoStateNetwork.length_params

    def __init__(self, members: int = 5, size: int = 500, spectral_radius: float = 0.5, degree: int = 6,
                 input_scaling: float = 0.5, bias_scaling: float = 1.0, leak: float = 1.0,
                 leak_time: float | None = None, alpha: float = 1e-8, washout: int = 100, clip: float = 10.0,
                 feedback: str = "median", seed: int = 0):
        self.members, self.size, self.spectral_radius, self.degree = members, size, spectral_radius, degree
        self.input_scaling, self.bias_scaling, self.leak, self.alpha = input_scaling, bias_scaling, leak, alpha
        self.leak_time = leak_time
        self.washout, self.clip, self.feedback, self.seed = washout, clip, feedback, seed

    @property
    def context_points(self) -> int:
        return int(self.washout)

    def fit(self, train):
        if self.feedback not in ("median", "own"):
            raise ValueError(f"esn_ensemble: feedback must be 'median' or 'own', got {self.feedback!r}")
        shared = {k: v for k, v in self.get_params().items() if k not in ("members", "clip", "feedback", "seed")}
        self.members_ = [EchoStateNetwork(**shared, seed=int(self.seed) + i).fit(train)
                         for i in range(int(self.members))]
        return self

    def _predict(self, context, horizon):
        b, length, d = context.shape
        states = []
        for member in self.members_:
            r = np.zeros((member.size, b))
            for i in range(length):
                r = member._update(r, context[:, i])
            states.append(r)
        inputs = [context[:, -1]] * len(self.members_)
        out = np.empty((b, horizon, d))
        for h in range(horizon):
            steps = np.stack([np.clip(np.nan_to_num(u + member._readout_features(u, r.T) @ member.w_out_,
                                                    nan=self.clip, posinf=self.clip, neginf=-self.clip),
                                      -self.clip, self.clip)
                              for member, u, r in zip(self.members_, inputs, states)])
            out[:, h] = np.median(steps, axis=0)
            inputs = [out[:, h]] * len(steps) if self.feedback == "median" else list(steps)
            states = [member._update(r, u) for member, u, r in zip(self.members_, inputs, states)]
        return out
