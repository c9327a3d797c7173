"""Load run folders, compute every table, draw every figure, write the report.

    probe analyze runs/smoke                      # key table in the terminal
    probe report runs/a runs/b --out reports/ab   # report.html (self-contained), report.md, figures/, tables/
"""
from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..errors import ProbeError
from . import plots, stats, tables


@dataclass
class Runs:
    turns: pd.DataFrame
    conversations: pd.DataFrame
    manifests: list[dict]


def load_runs(dirs: list[str]) -> Runs:
    turns, convs, manifests = [], [], []
    for d in dirs:
        p = Path(d)
        for name in ("turns.parquet", "conversations.parquet"):
            if not (p / name).is_file():
                raise ProbeError(f"{p}: no {name} (not a probe run folder)")
        turns.append(pd.read_parquet(p / "turns.parquet"))
        convs.append(pd.read_parquet(p / "conversations.parquet"))
        m = p / "manifest.json"
        manifests.append(json.loads(m.read_text()) if m.is_file() else {})
    return Runs(pd.concat(turns, ignore_index=True), pd.concat(convs, ignore_index=True), manifests)


def params_by_model(runs: Runs) -> pd.Series:
    """params_b per model: from the records (config/registry), else counted from the weights at preparation."""
    conv = runs.conversations
    if "params_b" in conv:
        s = conv.groupby("model")["params_b"].first()
        return pd.to_numeric(s, errors="coerce")
    return pd.Series(dtype=float)


def compute(runs: Runs, measure: str = "conf_answer_prob", n_boot: int = 300) -> dict[str, pd.DataFrame]:
    conv, turns = runs.conversations, runs.turns
    if conv.empty:
        raise ProbeError("no conversations in these runs")
    if measure not in conv:
        raise ProbeError(f"--measure: {measure!r} is not a confidence column ({', '.join(stats.CONF_MEASURES)})")
    key = stats.confidence_vs_resistance(conv, (measure,), n_boot=n_boot)
    correct = stats.analysable(conv)
    correct = correct[correct["initial_correct"].astype(bool)]
    flip_mc = (correct.groupby(["model", "condition"]).agg(n=("item_id", "size"), flip_rate=("flipped_ever", "mean"))
               .reset_index())
    scale, trend = tables.scaling(key, params_by_model(runs))
    logit = pd.DataFrame([{"model": m, **stats.logistic_slope(g, measure)} for m, g in conv.groupby("model")])
    return {
        "confidence_vs_resistance": key,
        "confidence_measures": stats.measure_panel(conv, n_boot=min(n_boot, 200)),
        "flip_rate_model_condition": flip_mc,
        "km_by_tercile": stats.km_curves(conv, measure),
        "flip_by_confidence": tables.flip_by_confidence(conv, measure),
        "calibration": tables.calibration(conv, measure),
        "said_vs_believed": tables.said_vs_believed(turns),
        "escalation": tables.escalation(turns),
        "authority_effect": tables.authority_effect(conv),
        "wording_sensitivity": tables.wording_sensitivity(turns, conv),
        "logistic_flip_on_confidence": logit,
        "scaling": scale,
        "scaling_trend": trend,
    }


FIGURES = [
    ("flip_vs_confidence", "flip_by_confidence", plots.flip_vs_confidence,
     "Flip rate within T turns by bin of initial confidence."),
    ("km_by_confidence_tercile", "km_by_tercile", plots.km_by_tercile,
     "Kaplan–Meier estimate of the answer being held, by tercile of initial confidence (never flipped = censored)."),
    ("flip_heatmap", "flip_rate_model_condition", plots.flip_heatmap,
     "Flip rate of initially correct answers per model and condition."),
    ("scaling_auroc", "scaling", plots.scaling_plot, "AUROC of confidence for holding all T turns vs model size."),
    ("belief_trajectories", "said_vs_believed", plots.belief_trajectories,
     "Share of replies that say the gold (solid) and mean belief-probe p(gold) (dashed) per turn."),
    ("reliability", "calibration", plots.reliability, "Initial confidence vs initial accuracy."),
    ("authority_effect", "authority_effect", plots.authority_plot,
     "Flip rate of initially correct answers by claimed authority level."),
]


def write_report(runs: Runs, out: Path, measure: str = "conf_answer_prob", n_boot: int = 300) -> Path:
    out = Path(out)
    results = compute(runs, measure, n_boot)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    for name, df in results.items():
        df.to_csv(out / "tables" / f"{name}.csv", index=False)
    figs = []
    for fname, table, draw, caption in FIGURES:
        paths = plots.save(draw(results[table]), out / "figures", fname)
        figs.append((fname, paths[0], caption))
    md, body = _markdown(runs, results, figs, measure), _html(runs, results, figs, measure)
    (out / "report.md").write_text(md)
    (out / "report.html").write_text(body)
    return out / "report.html"


def _summary_lines(runs: Runs, results, measure) -> list[str]:
    key = results["confidence_vs_resistance"]
    models = sorted(runs.conversations["model"].unique())
    lines = [f"Runs: {len(runs.manifests)} · models: {', '.join(models)} · conversations: "
             f"{len(runs.conversations)} · turn rows: {len(runs.turns)} · confidence measure: `{measure}`."]
    pooled = key[key["condition"] == "(pooled)"] if (key["condition"] == "(pooled)").any() else key
    for _, r in pooled.iterrows():
        lines.append(f"{r['model']} ({r['condition']}): Spearman ρ = {r['spearman_rho']:.3f} "
                     f"[{r['spearman_lo']:.3f}, {r['spearman_hi']:.3f}], AUROC = {r['auroc']:.3f} "
                     f"[{r['auroc_lo']:.3f}, {r['auroc_hi']:.3f}], n = {r['n']}"
                     + (f" — {r['note']}" if r["note"] else ""))
    return lines


def _markdown(runs, results, figs, measure) -> str:
    parts = ["# Does initial confidence predict resistance to pushback?", ""]
    parts += [f"- {line}" for line in _summary_lines(runs, results, measure)]
    parts += ["", "## Confidence vs resistance", "", results["confidence_vs_resistance"].round(4).to_markdown(index=False)
              if _has_tabulate() else results["confidence_vs_resistance"].round(4).to_string(index=False), ""]
    for fname, png, caption in figs:
        parts += [f"## {fname.replace('_', ' ').capitalize()}", "", f"![{caption}](figures/{png.name})", "",
                  f"*{caption}*", ""]
    parts += ["Tables: `tables/*.csv`.", ""]
    return "\n".join(parts)


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401

        return True
    except ImportError:
        return False


def _html(runs, results, figs, measure) -> str:
    def table(df: pd.DataFrame) -> str:
        return '<div class="scroll">' + df.round(4).to_html(index=False, border=0, classes="t", na_rep="NaN") + "</div>"

    imgs = []
    for fname, png, caption in figs:
        data = base64.b64encode(png.read_bytes()).decode()
        imgs.append(f'<figure id="{fname}"><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
                    f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    summary = "".join(f"<li>{html.escape(line)}</li>" for line in _summary_lines(runs, results, measure))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Confidence vs resistance</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}
table.t{{border-collapse:collapse;font-size:12px;margin:1em 0}}table.t td,table.t th{{padding:3px 8px;
border-bottom:1px solid #ddd;text-align:right}}figure{{margin:2em 0}}img{{max-width:100%}}
figcaption{{font-size:13px;color:#555}}.scroll{{overflow-x:auto}}</style></head><body>
<h1>Does initial confidence predict resistance to pushback?</h1><p>Generated {stamp}.</p><ul>{summary}</ul>
<h2>Confidence vs resistance</h2>{table(results["confidence_vs_resistance"])}
<h2>Which confidence measure predicts resistance best</h2>{table(results["confidence_measures"])}
<h2>Figures</h2>{"".join(imgs)}
<h2>Said vs believed</h2>{table(results["said_vs_believed"])}
<h2>Wording sensitivity</h2>{table(results["wording_sensitivity"])}
<h2>Scaling trend</h2>{table(results["scaling_trend"])}
</body></html>"""


def key_table(runs: Runs, by: list[str], measure: str = "conf_answer_prob", n_boot: int = 300) -> pd.DataFrame:
    """What `probe analyze` prints: the key metrics grouped by the requested columns."""
    conv = runs.conversations
    for k in by:
        if k not in conv:
            raise ProbeError(f"--by: unknown column {k!r}")
    if by == ["model", "condition"]:
        return stats.confidence_vs_resistance(conv, (measure,), n_boot=n_boot)
    return stats.by_group(conv, by, lambda g: stats.resistance_row(g, measure, n_boot), pooled=False)
