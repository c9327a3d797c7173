"""Figures, each drawn only from a computed table (no statistics here).  Every function returns a matplotlib
Figure; `save` writes PNG and PDF.

    fig = plots.forest(tables["sycophancy"]); plots.save(fig, Path("figures"), "forest")
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: figures are files
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

plt.rcParams.update({"figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3, "font.size": 9,
                     "axes.spines.top": False, "axes.spines.right": False})
COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]
KIND_COLORS = {"maintain": "#4c72b0", "switch": "#c44e52", "retract": "#dd8452", "nonanswer": "#8c8c8c"}


def _empty(title: str, why: str):
    fig, ax = plt.subplots(figsize=(5, 2.2))
    ax.text(0.5, 0.5, why, ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title)
    ax.set_axis_off()
    return fig


def _err(df: pd.DataFrame, name: str):
    est = df[name].to_numpy(float)
    lo, hi = df[f"{name}_lo"].to_numpy(float), df[f"{name}_hi"].to_numpy(float)
    return est, np.vstack([np.where(np.isfinite(lo), est - lo, 0), np.where(np.isfinite(hi), hi - est, 0)])


def _facets(n: int, width: float = 3.6, height: float = 2.8, ncol: int = 3):
    ncol = max(1, min(ncol, n))
    nrow = int(np.ceil(n / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(width * ncol, height * nrow), squeeze=False, sharey=True)
    for ax in axes.ravel()[n:]:
        ax.set_axis_off()
    return fig, axes.ravel()


def forest(table: pd.DataFrame, name: str = "switch_rd"):
    if table.empty or name not in table or table[name].notna().sum() == 0:
        return _empty("Sycophancy against the neutral control", "no neutral control in these runs")
    conds = list(dict.fromkeys(table["condition"]))
    models = sorted(table["model"].unique())
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(conds) * max(1, len(models) / 2) + 1.2))
    for k, m in enumerate(models):
        d = table[table["model"] == m].set_index("condition").reindex(conds)
        est, err = _err(d.reset_index(), name)
        y = np.arange(len(conds)) + (k - (len(models) - 1) / 2) * 0.8 / max(len(models), 1)
        ax.errorbar(est, y, xerr=err, fmt="o", ms=4, capsize=2, color=COLORS[k % len(COLORS)], label=m)
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(range(len(conds)), [c + (" (control)" if bool(table.loc[table["condition"] == c, "control"].iloc[0])
                                          else "") for c in conds])
    ax.invert_yaxis()
    ax.set(xlabel="switch rate minus neutral's (initially-correct answers)", title="Sycophancy against control")
    ax.legend(fontsize=7, loc="best")
    return fig


def km_curves(table: pd.DataFrame):
    if table.empty:
        return _empty("Answer held under pushback", "no initially-correct conversations under pressure")
    d = table[table["tercile"] != "all"]
    models = sorted(d["model"].unique())
    fig, axes = _facets(len(models))
    for ax, m in zip(axes, models):
        for k, terc in enumerate(("low", "mid", "high")):
            g = d[(d["model"] == m) & (d["tercile"] == terc)].sort_values("turn")
            if g.empty:
                continue
            ax.step(g["turn"], g["survival"], where="post", color=COLORS[k], label=f"{terc} (n={g['n'].iloc[0]})")
            ax.fill_between(g["turn"], g["survival_lo"], g["survival_hi"], step="post", color=COLORS[k], alpha=0.15)
        ax.set(title=m, xlabel="pushback turn", ylim=(-0.02, 1.02))
        ax.legend(title="confidence tercile", fontsize=7)
    axes[0].set_ylabel("P(initial answer still held)")
    return fig


def reliability(table: pd.DataFrame, measure: str):
    d = table[table["measure"] == measure] if not table.empty else table
    if d.empty:
        return _empty("Reliability", f"{measure} is not a probability in these runs")
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1)
    for k, (m, g) in enumerate(d.groupby("model")):
        est, err = _err(g, "accuracy")
        ax.errorbar(g["confidence"], est, yerr=err, fmt="o-", ms=3, capsize=2, color=COLORS[k % len(COLORS)],
                    label=m)
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel=f"turn-0 {measure} (bin mean)", ylabel="share initially correct",
           title="Reliability of turn-0 confidence")
    ax.legend(fontsize=7)
    return fig


def progressive_regressive(table: pd.DataFrame):
    if table.empty:
        return _empty("Progressive vs regressive", "no conversations")
    models = sorted(table["model"].unique())
    fig, axes = _facets(len(models), width=4.2)
    for ax, m in zip(axes, models):
        g = table[table["model"] == m]
        x = np.arange(len(g))
        for k, (name, label) in enumerate((("progressive_rate", "wrong → gold"), ("regressive_rate",
                                                                                  "right → switched"))):
            est, err = _err(g, name)
            ax.bar(x + (k - 0.5) * 0.38, est, 0.38, yerr=err, capsize=2, color=COLORS[k], label=label)
        ax.set_xticks(x, [c.replace(" conditions", "") for c in g["condition"]], rotation=30, ha="right", fontsize=7)
        ax.set(title=m, ylim=(0, 1))
        ax.legend(fontsize=7)
    axes[0].set_ylabel("share of conversations")
    return fig


def kinds_by_turn(table: pd.DataFrame):
    if table.empty:
        return _empty("Outcome kinds by turn", "no pushback turns")
    panels = table[["model", "condition"]].drop_duplicates().sort_values(["model", "condition"])
    fig, axes = _facets(len(panels), width=2.6, height=2.4, ncol=4)
    for ax, (_, p) in zip(axes, panels.iterrows()):
        g = table[(table["model"] == p["model"]) & (table["condition"] == p["condition"])]
        wide = g.pivot_table(index="turn", columns="kind", values="share", aggfunc="first").fillna(0)
        bottom = np.zeros(len(wide))
        for kind, color in KIND_COLORS.items():
            if kind in wide:
                ax.bar(wide.index, wide[kind], bottom=bottom, color=color, label=kind, width=0.8)
                bottom += wide[kind].to_numpy()
        ax.set(title=f"{p['model']}\n{p['condition']}", ylim=(0, 1), xlabel="turn")
        ax.title.set_fontsize(8)
    axes[0].set_ylabel("share of replies")
    axes[0].legend(fontsize=6, loc="lower left")
    return fig


def said_vs_believed(table: pd.DataFrame):
    if table.empty:
        return _empty("Said vs believed", "no initially-correct conversations")
    models = sorted(table["model"].unique())
    fig, axes = _facets(len(models))
    for ax, m in zip(axes, models):
        for k, (c, g) in enumerate(table[table["model"] == m].groupby("condition")):
            g = g.sort_values("turn")
            ax.plot(g["turn"], g["said_gold"], "-o", ms=3, color=COLORS[k % len(COLORS)], label=f"{c}: says gold")
            ax.plot(g["turn"], g["belief_p_gold"], "--", color=COLORS[k % len(COLORS)], label=f"{c}: belief p(gold)")
        ax.set(title=m, xlabel="turn", ylim=(-0.02, 1.02))
    axes[0].set_ylabel("share saying gold (solid) / belief p(gold) (dashed)")
    axes[0].legend(fontsize=6)
    return fig


def authority(table: pd.DataFrame, title: str = "Authority dose-response", xlabel: str = "claimed authority level"):
    if table.empty:
        return _empty(title, "no authority conditions in these runs")
    fig, ax = plt.subplots(figsize=(5, 3.4))
    for k, (m, g) in enumerate(table.groupby("model")):
        est, err = _err(g, "switch_rate")
        ax.errorbar(g["level"], est, yerr=err, fmt="o-", capsize=2, color=COLORS[k % len(COLORS)], label=m)
    ax.set(xlabel=xlabel, ylabel="switch rate (initially correct)", ylim=(-0.02, 1.02), title=title)
    ax.set_xticks(sorted(table["level"].unique()))
    ax.legend(fontsize=7)
    return fig


def escalation(table: pd.DataFrame):
    names = ["hedges", "assertive", "evidence_claims", "numbers"]
    if table.empty:
        return _empty("Escalation markers", "no replies")
    d = table[table["turn"] > 0]
    if d.empty:
        return _empty("Escalation markers", "no pushback turns in these runs")
    fig, axes = _facets(len(names), width=3.2, height=2.6, ncol=4)
    for ax, name in zip(axes, names):
        for k, ((m, c), g) in enumerate(d.groupby(["model", "condition"])):
            g = g.sort_values("turn")
            ax.plot(g["turn"], g[f"{name}_per_100_tokens"], "-o", ms=2, lw=1, color=COLORS[k % len(COLORS)],
                    label=f"{m} / {c}")
        ax.set(title=name.replace("_", " "), xlabel="turn")
    axes[0].set_ylabel("per 100 response tokens")
    if len(d):  # turns: 0 has no pushback turn to mark: no lines, no legend
        axes[0].legend(fontsize=5)
    return fig


def hints(table: pd.DataFrame):
    """Follow rate per cue cell against its no-cue baseline, and the hidden share of the followed answers."""
    if table.empty or "follow_rate" not in table or table["follow_rate"].notna().sum() == 0:
        return _empty("Hints: followed and mentioned", "no estimable cue cell in these runs")
    models = sorted(table["model"].unique())
    fig, axes = _facets(len(models), width=5.0, height=0.4 * table["hint"].nunique() + 1.6, ncol=2)
    for ax, m in zip(axes, models):
        d = table[table["model"] == m].reset_index(drop=True)
        y = np.arange(len(d))
        for k, (name, label) in enumerate((("follow_rate", "follow (cue)"), ("follow_rate_baseline", "baseline"),
                                           ("hidden_share", "hidden share of followed"))):
            est, err = _err(d, name)
            ax.errorbar(est, y + (k - 1) * 0.22, xerr=err, fmt="os^"[k], ms=4, capsize=2, color=COLORS[k], label=label)
        ax.set_yticks(y, d["hint"])
        ax.invert_yaxis()
        ax.set(xlim=(-0.02, 1.02), xlabel="share of turn-0 answers", title=m)
    axes[0].legend(fontsize=7, loc="best")
    return fig


def save(fig, folder: Path, name: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.pdf"]
    fig.tight_layout()
    for p in paths:
        fig.savefig(p, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return paths


def _n_labels(ax, x, est, ns) -> None:
    """n above each bar; "not estimable" where the table gave no estimate."""
    for xi, e, n in zip(x, est, ns):
        n = int(n) if n == n else 0
        ax.text(xi, (e if e == e else 0) + 0.03, f"n={n}" if e == e else f"n={n}\nnot estimable", ha="center",
                va="bottom", fontsize=6)


def premise(rejection: pd.DataFrame, survival: pd.DataFrame):
    """Left: share of turn-0 replies rejecting the false premise, with it in the question and for the premise-free
    control; right: share of those rejections that survive every pushback turn, insisting vs neutral."""
    if rejection.empty:
        return _empty("False premises", "no false-premise items in these runs")
    models = sorted(rejection["model"].unique())
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    width = 0.8 / 2
    for k, (variant, label) in enumerate((("original", "with the premise"), ("premise_free", "premise-free control"))):
        d = rejection[rejection["variant"] == variant].set_index("model").reindex(models).reset_index()
        est, err = _err(d, "rejects_rate")
        x = np.arange(len(models)) + (k - 0.5) * width
        left.bar(x, np.nan_to_num(est), width, color=COLORS[k], label=label)
        left.errorbar(x, est, yerr=err, fmt="none", capsize=2, color="black", lw=0.8)
        _n_labels(left, x, est, d["n"])
    left.set_xticks(range(len(models)), models, fontsize=7)
    left.set(ylim=(0, 1.05), ylabel="share of turn-0 replies", title="Premise rejected (control: fact given)")
    left.legend(fontsize=7)
    if survival.empty:
        right.text(0.5, 0.5, "no rejection at turn 0", ha="center", va="center", transform=right.transAxes)
        right.set_axis_off()
        return fig
    s = survival[survival["variant"] == "original"]
    for k, cond in enumerate(("insist_premise", "neutral")):
        d = s[s["condition"] == cond].set_index("model").reindex(models).reset_index()
        if d["n"].notna().sum() == 0:
            continue
        est, err = _err(d, "survived_rate")
        x = np.arange(len(models)) + (k - 0.5) * width
        right.bar(x, np.nan_to_num(est), width, color=COLORS[k + 2], label=cond)
        right.errorbar(x, est, yerr=err, fmt="none", capsize=2, color="black", lw=0.8)
        _n_labels(right, x, est, d["n"])
    right.set_xticks(range(len(models)), models, fontsize=7)
    right.set(ylim=(0, 1.05), ylabel="share of turn-0 rejections",
              title="Rejection held through every turn (with the premise)")
    right.legend(fontsize=7)
    return fig
