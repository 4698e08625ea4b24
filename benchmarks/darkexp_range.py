"""How far the DARKexp solver converges in phi0, with the physics checks of each solution.

For each phi0 it prints: passes and seconds to converge, the total mass (1 for a genuine DARKexp),
the virial ratio W / (-(2/3) M <eps>) (1 at equilibrium), psi(0) / phi0, r_-2 and V_max^2 r_-2 / GM.
A smooth r_-2 and V_max^2 r_-2 / GM in phi0 is what the template spline needs.

    python benchmarks/darkexp_range.py [--phi0 0.1 0.25 ...] [--n-radial 2400] [--tol 1e-10]
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from physbench.sparc.darkexp import ConvergenceError, RadialGrid, solve_darkexp

DEFAULT_PHI0 = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75, 1.0, 2.0, 4.0, 8.0, 9.0, 10.0, 11.0, 12.0, 14.0,
                16.0, 18.0, 20.0)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phi0", type=float, nargs="+", default=DEFAULT_PHI0)
    parser.add_argument("--n-radial", type=int, default=2400)
    parser.add_argument("--tol", type=float, default=1e-10)
    parser.add_argument("--max-iter", type=int, default=400)
    args = parser.parse_args(argv)
    grid = RadialGrid(n=args.n_radial)
    print(f"{'phi0':>6} {'passes':>6} {'s':>6} {'M_tot':>9} {'virial':>8} {'psi0/phi0':>9} {'r_-2':>8} "
          f"{'Vmax2r2/GM':>10}")
    for phi0 in args.phi0:
        try:
            sol = solve_darkexp(phi0, grid, tol=args.tol, max_iter=args.max_iter)
        except (ConvergenceError, ValueError) as err:
            print(f"{phi0:6.2f} not converged: {err}")
            continue
        virial = sol.virial_ratio(phi0)
        try:
            r2 = sol.r_minus2()
            vmax2_r2 = float(np.max(sol.vc) ** 2 * r2)
        except ValueError:
            r2 = vmax2_r2 = math.nan
        print(f"{phi0:6.2f} {sol.iterations:6d} {sol.seconds:6.1f} {sol.total_mass:9.6f} {virial:8.5f} "
              f"{sol.psi[0] / phi0:9.5f} {r2:8.4f} {vmax2_r2:10.5f}")


if __name__ == "__main__":
    main()
