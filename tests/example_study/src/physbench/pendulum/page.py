"""Report page of the pendulum example study."""

from physbench.report.page import StudyPage

PAGE = StudyPage(
    title="Pendulum: periods from ODE integrators",
    description="Periods of a simple pendulum measured on integrated trajectories, against the exact period.",
)
