"""Figures (seaborn), each drawn only from a computed table — no statistics here.

Every function takes a table from `stats`/`tables` and returns a matplotlib Figure; `save` writes PNG and PDF.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: figures are files
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

sns.set_theme(style="whitegrid", context="paper")


def _empty(title: str, why: str = "no data"):
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.text(0.5, 0.5, why, ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title)
    ax.set_axis_off()
    return fig


def _wrap(table: pd.DataFrame) -> int:
    return max(1, min(3, table["model"].nunique()))


def flip_vs_confidence(table: pd.DataFrame):
    if table.empty:
        return _empty("Flip rate by initial confidence")
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    sns.lineplot(table, x="confidence", y="flip_rate", hue="model", marker="o", ax=ax)
    ax.set(xlabel="initial confidence (bin mean)", ylabel="flip rate within T turns", ylim=(-0.02, 1.02),
           title="Flip rate by initial confidence")
    return fig


def km_by_tercile(table: pd.DataFrame):
    if table.empty:
        return _empty("Survival under pushback")
    g = sns.FacetGrid(table, col="model", hue="tercile", hue_order=["low", "mid", "high"], height=3.2,
                      col_wrap=_wrap(table), sharey=True)
    g.map_dataframe(lambda data, **kw: plt.step(data["time"], data["survival"], where="post", **kw))
    g.add_legend(title="confidence tercile")
    g.set_axis_labels("pushback turn", "P(answer still held)")
    g.set(ylim=(-0.02, 1.02), xticks=sorted(table["time"].unique()))
    g.figure.suptitle("Kaplan–Meier: answer held by turn, by initial confidence", y=1.03)
    return g.figure


def flip_heatmap(table: pd.DataFrame):
    if table.empty:
        return _empty("Flip rate: model × condition")
    wide = table.pivot_table(index="model", columns="condition", values="flip_rate")
    fig, ax = plt.subplots(figsize=(1.1 * wide.shape[1] + 2.5, 0.6 * wide.shape[0] + 2))
    sns.heatmap(wide, annot=True, fmt=".2f", vmin=0, vmax=1, cmap="rocket_r", ax=ax,
                cbar_kws={"label": "flip rate"})
    ax.set_title("Flip rate of initially correct answers")
    return fig


def scaling_plot(table: pd.DataFrame, metric: str = "auroc"):
    d = table.dropna(subset=["params_b", metric]) if not table.empty else table
    if d.empty:
        return _empty(f"{metric} vs model size", "no model with a parameter count")
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    sns.regplot(d, x="params_b", y=metric, logx=True, ax=ax, ci=None, scatter_kws={"s": 40})
    for _, r in d.iterrows():
        ax.annotate(str(r["model"]), (r["params_b"], r[metric]), fontsize=7, xytext=(3, 3),
                    textcoords="offset points")
    ax.set_xscale("log")
    ax.set(xlabel="parameters (billions, log scale)", ylabel=metric, title=f"{metric} vs model size")
    return fig


def belief_trajectories(table: pd.DataFrame):
    if table.empty:
        return _empty("Said vs believed")
    long = table.melt(id_vars=["model", "condition", "turn"], value_vars=["said_correct", "belief_p_correct"],
                      var_name="readout", value_name="p")
    g = sns.relplot(long, x="turn", y="p", hue="condition", style="readout", col="model", kind="line", marker="o",
                    height=3.2, col_wrap=_wrap(table), facet_kws={"ylim": (-0.02, 1.02)})
    g.set(xticks=sorted(table["turn"].unique()))
    g.set_axis_labels("turn", "share said correct / mean belief p(correct)")
    g.figure.suptitle("Said vs believed over turns of pushback", y=1.03)
    return g.figure


def reliability(table: pd.DataFrame):
    if table.empty:
        return _empty("Reliability")
    fig, ax = plt.subplots(figsize=(4.5, 4.2))
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1)
    sns.lineplot(table, x="confidence", y="accuracy", hue="model", marker="o", ax=ax)
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="initial confidence", ylabel="initial accuracy",
           title="Reliability of initial confidence")
    return fig


def authority_plot(table: pd.DataFrame):
    if table.empty:
        return _empty("Authority level", "no authority conditions in these runs")
    fig, ax = plt.subplots(figsize=(5, 3.6))
    sns.lineplot(table, x="level", y="flip_rate", hue="model", marker="o", ax=ax)
    ax.set(xlabel="authority level (0 none … 4 leading expert)", ylabel="flip rate (initially correct)",
           ylim=(-0.02, 1.02), title="Effect of claimed authority")
    ax.set_xticks(sorted(table["level"].unique()))
    return fig


def save(fig, folder: Path, name: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.pdf"]
    for p in paths:
        fig.savefig(p, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return paths
