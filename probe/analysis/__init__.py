"""The analyzer: does confidence in a first answer predict holding it under pushback?

    from probe.analysis import load_runs, compute, write_report
    runs = load_runs(["runs/a"])
    tables = compute(runs, measure="conf_answer_prob", n_boot=300)
    write_report(runs, "reports/a")

Modules: ``runs`` (loading, no plotting imports), ``population`` (who is analysed, outcome readings), ``probe.boot`` /
``cells`` / ``rankboot`` (item-cluster bootstrap), ``survival`` (KM, RMST, Cox, discrete-time hazard), ``effects``
(sycophancy against neutral, progressive vs regressive), ``association`` (confidence ↔ resistance), ``calibration``,
``describe`` (turn-level tables), ``sensitivity``, ``leaderboard``, ``compute`` (all tables), ``report`` / ``plots``
(files), ``synthetic`` (records with a known truth).  Plotting libraries load only when a report is written.
"""
from .compute import compute
from .labels import (ALTERNATIVE, CONF_MEASURES, GOLD, INITIAL, MAINTAIN, NONANSWER, NONE, OTHER, PRIMARY_MEASURE,
                     PRIMARY_OUTCOME, RETRACT, SWITCH)
from .population import belief_agreement
from .runs import Runs, load_runs


def write_report(*args, **kwargs):
    """`probe.analysis.report.write_report` (imported on use: it loads matplotlib and seaborn)."""
    from .report import write_report as _write

    return _write(*args, **kwargs)


__all__ = ["Runs", "load_runs", "compute", "write_report", "belief_agreement", "CONF_MEASURES", "PRIMARY_MEASURE",
           "PRIMARY_OUTCOME", "GOLD", "ALTERNATIVE", "OTHER", "NONE", "INITIAL", "MAINTAIN", "SWITCH", "RETRACT",
           "NONANSWER"]
