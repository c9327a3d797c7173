"""Write the report: tables/*.csv (estimates with _lo/_hi and n, per-model exclusion counts), figures/*.png|pdf,
report.md and a self-contained report.html.

    probe report runs/a runs/b --out reports/ab
    from probe.analysis.report import load_runs, write_report
    write_report(load_runs(["runs/a"]), "reports/a", n_boot=300)

Order: leaderboard, the primary result per model in one sentence, sycophancy against control (forest plot),
KM curves, calibration, progressive vs regressive, outcome kinds by turn, said vs believed, authority dose-response,
escalation markers, the measure panel (Holm), sensitivity, exclusions.
"""
from __future__ import annotations

import base64
import html
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from . import panel, plots, views
from ..errors import ProbeError
from .audit_views import agreement_view, audit_lines, audit_rates_view, audit_text
from .compute import compute, with_exclusions
from .factorial_interactions import interaction_sentences
from .fmt import cell, html_table, md_table
from .premise_views import premise_sections
from .audit_probes import probe_audit_sections
from .labels import MEASURE_LABEL, PRIMARY_MEASURE, PRIMARY_OUTCOME
from .runs import Runs, load_runs  # noqa: F401  (re-exported: the sweep's collect imports it from here)


@dataclass
class Section:
    title: str
    text: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    figure: str | None = None
    caption: str = ""
    anchor: str = ""


def _figures(t: dict, measure: str) -> list[tuple[str, object, str]]:
    factorial = [("factorial_dose", plots.authority(t["dose_response"], "Credential dose-response (factorial cells)",
                                                    "credential level (0 none … 4 leading expert)"),
                  "Read: switch rate of initially-correct answers at each credential level of the factorial design "
                  "(firmness and argument pooled; bars = 95 % intervals); a flat line = the credential adds nothing.")] \
        if "dose_response" in t else []
    if "premise_rejection" in t:
        factorial.append(("premise", plots.premise(t["premise_rejection"], t["premise_survival"]),
                          "Read: left, the share of turn-0 replies that reject the false premise (blue) and, for the "
                          "same items asked without it, that give the refuting fact (orange); a model that knows the "
                          "fact but goes along with the premise has a tall orange bar and a short blue one. Right, "
                          "among those rejections, the share still standing after every pushback turn, insisting on "
                          "the premise vs neutral follow-ups (bars = 95 % item-cluster intervals, n in the bars)."))
    hints = [("hints", plots.hints(t["hints"]),
              "Read: per cue cell, the share of turn-0 answers that took the cued (wrong) answer (circles) against the "
              "same questions without a cue (squares), and the share of the followed answers that never mention the "
              "cue (triangles); bars = 95 % item-cluster intervals.")] if "hints" in t else []
    return factorial + hints + [
        ("forest_sycophancy", plots.forest(t["sycophancy"]),
         "Read: each dot is a condition's switch rate minus the neutral control's among initially-correct answers, "
         "with its 95 % item-cluster interval; right of the line = more switching than neutral follow-ups cause."),
        ("km_by_confidence_tercile", plots.km_curves(t["km_by_tercile"]),
         "Read: the share of initially-correct answers still held after each pushback turn, by tercile of turn-0 "
         "confidence (pressure conditions pooled, bands = 95 % intervals); higher curves for high confidence = "
         "confidence predicts resistance."),
        ("reliability", plots.reliability(t["reliability"], measure),
         "Read: points on the diagonal = turn-0 confidence is calibrated; below = overconfident (bars = 95 % "
         "intervals)."),
        ("progressive_regressive", plots.progressive_regressive(t["progressive_regressive"]),
         "Read: blue = initially-wrong answers corrected to the gold, orange = initially-correct answers abandoned; "
         "a discerning model has tall blue bars under valid evidence and short orange bars everywhere."),
        ("outcome_kinds_by_turn", plots.kinds_by_turn(t["outcome_kinds_by_turn"]),
         "Read: at each pushback turn, the share of replies that maintain, switch, retract or give no answer."),
        ("said_vs_believed", plots.said_vs_believed(t["said_vs_believed"]),
         "Read: solid = share of initially-correct conversations still saying the gold; dashed = the belief probe's "
         "p(gold); a gap means the model says one thing while its probe still favours the other."),
        ("authority_dose", plots.authority(t["authority_dose"]),
         "Read: switch rate of initially-correct answers as the claimed authority rises (bars = 95 % intervals)."),
        ("escalation", plots.escalation(t["escalation"]),
         "Read: hedges, assertive words, evidence-style claims and numbers per 100 reply tokens, by turn "
         "(normalised by length, so longer replies do not count as more escalation)."),
        ("confidence_panel", panel.panel_figure(t["confidence_panel"]),
         "Read: each dot is an estimator's AUROC for holding the initially-correct answer (pressure conditions "
         "pooled) with its 95 % item-cluster interval; right of 0.5 = more confident answers are held more often."),
    ]


def _sections(runs: Runs, t: dict, measure: str, n_boot: int, figs: dict) -> list[Section]:
    conv = runs.conversations
    agree = t["belief_agreement"]
    excl = views.exclusion_line(t["exclusions"])
    intro = [f"Runs: {len(runs.manifests)} · models: {', '.join(sorted(conv['model'].unique()))} · conversations: "
             f"{len(conv):,} · turn rows: {len(runs.turns):,}.",
             f"Declared primary analysis: measure {measure} ({MEASURE_LABEL.get(measure, measure)}), outcome "
             f"{PRIMARY_OUTCOME}, population = initially-correct answers under pressure conditions (controls never "
             f"pooled in). Intervals: 95 % percentile bootstrap over items ({n_boot} resamples), Cox intervals from "
             "item-clustered sandwich errors.", excl, views.readout_line(runs.manifests), *audit_lines(runs)]
    if runs.pooled:
        intro.append(f"These runs differ in design ({runs.pooled}) and are pooled because --pool asked: a row may mix "
                     "designs.")
    lb = t["leaderboard"]
    score = "regressive switch rate under pressure minus neutral's, corrected by the run audit (prediction-powered; "\
        "lower = more robust)" if len(lb) and (lb["score"] == "regressive_excess_corrected").all() else \
        "regressive switch rate under pressure minus neutral's (lower = more robust)" \
        if len(lb) and (lb["score"] == "regressive_excess").all() else \
        "switch rate under pressure (no neutral control in these runs; lower = more robust)"
    bel = ("Turn-0 belief probe agrees with the said answer (replies saying gold or alternative, once per item × "
           "variant): " + "; ".join(f"{r['model']} {cell(r['share'], r['share_lo'], r['share_hi'])} of {r['n']:,}"
                                    for _, r in agree.iterrows()) + ".") if len(agree) else \
        "No belief-probe readings at turn 0."
    factorial = [Section("Why expert pushback works", [
        "Factorial cells (source x firmness x argument) on initially-correct answers: each contrast holds the "
        "other factors fixed and averages over the matched cells the run has (95 % item-cluster intervals; "
        "capitulation = switch or retract)."] + views.factorial_sentences(t),
        views.factorial_view(t["factor_effects"]), "factorial_dose", anchor="expert-pushback")] \
        if "factor_effects" in t else []
    if "factor_interactions" in t:
        factorial.append(Section("Expert pushback: interactions of the factors", [
            "Odds ratios from a logistic GEE per model and outcome with item clusters (robust 95 % intervals) of the "
            "main effects and their two-way products, on the same initially-correct conversations; 'credential level "
            "x firm' below 1 = a credential counts for less when the claim is already firm. A product whose cells "
            "hold fewer than 5 conversations, or that the run's cells cannot separate, is not estimable."]
            + interaction_sentences(t["factor_interactions"]), views.interactions_view(t["factor_interactions"]),
            anchor="factor-interactions"))
    if "interventions" in t:
        factorial.append(Section("Which fix works", [
            "Each intervention against the same pressure conditions without it (initially-correct answers; "
            "keep_answer = a system prompt from the first pushback on, anchor = a reference passage stating the gold "
            "before the first pushback, third_party = a fact-checker's verdict for the gold, third_party_silent = "
            "the fact-checker frame without a verdict): switch rate, risk differences with 95 % item-cluster "
            "intervals, Cox hazard ratio stratified by condition."], views.interventions_view(t["interventions"]),
            anchor="interventions"))
    factorial += [Section(title, text, view, figure, anchor=anchor)
                  for title, text, view, figure, anchor in premise_sections(t)]
    factorial += [Section(title, text, view, anchor=anchor)
                  for title, text, view, anchor in probe_audit_sections(t, "premise")]
    if "hints" in t:
        factorial.append(Section("Hints: followed and mentioned", [
            "Turn-0 answers under a cue naming the wrong answer (suggestion = the user's guess, metadata = an "
            "'(answer: X)' line, authority = a Stanford professor; *_steps = with a step-by-step request) against "
            "the same questions without a cue (none / none_steps): follow rate and its difference from the "
            "baseline, the rate of replies that mention the cue (rule reader, probe.hint_mention), the share of "
            "followed answers that do not mention it (hidden following), and the answer-span confidence under the "
            "cue minus without it; 95 % item-cluster intervals."], views.hints_view(t["hints"]), "hints",
            anchor="hints"))
    factorial += [Section(title, text, view, anchor=anchor) for title, text, view, anchor in
                  probe_audit_sections(t, "hint")]
    return factorial + [
        Section("Leaderboard", [f"Sorted by the declared primary robustness score: {score}. Ranks in parentheses are "
                                "95 % bootstrap rank intervals; '=' marks models whose intervals overlap (tied)."],
                views.leaderboard_view(lb), anchor="leaderboard"),
        *([Section("Audit: the reading against a person, and corrected rates", audit_text() + [
            "Agreement of the automatic reading with the audit, per model:"], agreement_view(t["audit_agreement"]),
                    anchor="audit"),
           Section("Corrected rates (prediction-powered)", [
               "Per model and condition (pooled over pressure conditions first); RD = risk difference against the "
               "neutral control."], audit_rates_view(t["audit_rates"]), anchor="corrected")]
          if len(t.get("audit_rates", [])) else []),
        Section("Primary result", views.headline_sentences(t["primary_result"]) + [
            "Per condition and pooled over pressure conditions (AUROC > 0.5, ρ > 0, negative slope and hazard "
            "ratio < 1 all mean confident answers resist more):"], views.confidence_view(t["confidence_resistance"]),
                anchor="primary"),
        Section("Sycophancy against control", views.sycophancy_sentences(lb) + [
            "Per condition, among initially-correct answers: the switch rate, its difference from and ratio to the "
            "neutral control's, and the Cox hazard ratio against neutral (stratified by dataset)."],
                views.sycophancy_view(t["sycophancy"]), "forest_sycophancy", anchor="sycophancy"),
        Section("Survival by confidence", ["Restricted mean survival time = expected pushback turns held out of T "
                                           "(a switch at the last turn counts)."], views.rmst_view(t["rmst"]),
                "km_by_confidence_tercile", anchor="survival"),
        Section("Discrete-time hazard models", ["switch ~ confidence × condition + turn per model, and the scaling "
                                                "test switch ~ confidence × log10(parameters) across models "
                                                "(complementary log-log link, item-clustered errors)."],
                views.hazard_view(t["hazard_models"]), anchor="hazard"),
        Section("Calibration", ["Turn-0 confidence against initial correctness (analysable rows, once per item × "
                                "variant)."], views.calibration_view(t["calibration"]), "reliability",
                anchor="calibration"),
        Section("Progressive vs regressive", [], views.progressive_view(t["progressive_regressive"]),
                "progressive_regressive", anchor="progressive"),
        Section("Outcome kinds", [], views.kinds_view(t["outcome_kinds"]), "outcome_kinds_by_turn", anchor="kinds"),
        Section("Said vs believed", [bel], None, "said_vs_believed", anchor="believed"),
        Section("Authority dose-response", [], views.authority_view(t["authority_dose"]), "authority_dose",
                anchor="authority"),
        Section("Escalation markers", [
            "Among replies that keep their answer (kind maintain, turns 1..T): how much faster per turn than under "
            "the neutral control they grow longer and take on each persuasion marker (hedge, certainty, logical, "
            "quantitative and authority appeals: the lexicon of probe.analysis.persuasion, its agreement with hand "
            "labels in the README). Positive = the model argues harder as the user pushes; 95 % item-cluster "
            "intervals."], views.persuasion_view(t["persuasion_escalation"]), "escalation", anchor="escalation"),
        Section("Which confidence measure", ["AUROC of each measure for holding, per pressure condition; p-values "
                                             "from the bootstrap standard error, Holm-adjusted over the panel."],
                views.panel_view(t["measure_panel"]), anchor="panel"),
        Section("Which confidence signal predicts resistance", [
            "Every estimator of the turn-0 answer (token-level, P(True), verbalized, sample consistency, belief probe) "
            "on the primary population, pressure conditions pooled: AUROC for holding, the prediction-rejection "
            "ratio ((score - random) / (oracle - random)), Spearman ρ with turns held, and the AUROC comparing only "
            "answers of the same correctness (initially wrong answers included). Ranked on half A of the items, "
            "reported on half B."] + panel.panel_sentences(t["confidence_panel"]),
                panel.panel_view(t["confidence_panel"]), "confidence_panel", anchor="confidence-panel"),
        Section("Sensitivity to the outcome reading", ["The primary population read six ways: switch (primary), "
                                                       "capitulation, nonanswer as censoring, nonanswer as an event, "
                                                       "the belief probe's argmax as the answer, and switch without "
                                                       "items whose answers are whole sentences (read least "
                                                       "reliably)."],
                views.sensitivity_view(t["sensitivity"]), anchor="sensitivity"),
        Section("Exclusions", [], views.exclusions_view(t["exclusions"]), anchor="exclusions"),
    ], intro


MARKER = ".probe-report"  # in every report folder this toolkit writes: only such a folder is ever replaced


def check_report_folder(out: Path, replace_unmarked: bool = False) -> None:
    """A report goes to a new or empty folder, or replaces a report this toolkit wrote (it holds `MARKER`); any other
    non-empty folder is the user's and is refused.  ``replace_unmarked``: the run's own ``report/`` folder, which
    an older toolkit wrote without the marker."""
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not replace_unmarked:
        raise ProbeError(f"--out {out}: a folder that is not empty and holds no report of this toolkit; "
                         "nothing was written: choose a new or empty folder")


def write_report(runs: Runs, out, measure: str = PRIMARY_MEASURE, n_boot: int = 300, seed: int = 0,
                 replace_unmarked: bool = False) -> Path:
    """Write the report into a hidden sibling folder and rename it into place, so a failure leaves no half report
    and never touches what ``out`` held; an earlier report of this toolkit there is replaced whole."""
    out = Path(out)
    check_report_folder(out, replace_unmarked)
    t = compute(runs, measure, n_boot, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _write_into(work, runs, t, measure, n_boot)
        (work / MARKER).write_text(json.dumps({"written_by": "probe report"}) + "\n")
        work.chmod(0o777 & ~_umask())
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            out.rename(old / out.name)
            try:
                work.rename(out)
            except OSError:
                (old / out.name).rename(out)  # the earlier report stays where it was
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(out)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return out / "report.html"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_into(out: Path, runs: Runs, t: dict, measure: str, n_boot: int) -> None:
    (out / "tables").mkdir(parents=True, exist_ok=True)
    for name, df in t.items():
        with_exclusions(df, t["exclusions"]).to_csv(out / "tables" / f"{name}.csv", index=False)
    figs = {}
    for name, fig, caption in _figures(t, measure):
        figs[name] = (plots.save(fig, out / "figures", name)[0], caption)
    sections, intro = _sections(runs, t, measure, n_boot, figs)
    (out / "report.md").write_text(_markdown(sections, intro, figs))
    (out / "report.html").write_text(_html(sections, intro, figs))


TITLE = "Does confidence in a first answer predict holding it under pushback?"


def _markdown(sections, intro, figs) -> str:
    parts = [f"# {TITLE}", ""] + [f"- {line}" for line in intro] + [""]
    for s in sections:
        parts += [f"## {s.title}", ""] + [f"{line}\n" for line in s.text]
        if s.figure:
            png, caption = figs[s.figure]
            parts += [f"![{caption}](figures/{png.name})", "", f"*{caption}*", ""]
        if s.table is not None:
            parts += [md_table(s.table), ""]
    parts += ["Tables with numeric estimates, interval bounds and n: `tables/*.csv`.", ""]
    return "\n".join(parts)


CSS = """body{font-family:system-ui,sans-serif;max-width:1240px;margin:1.5em auto;padding:0 1em;color:#222}
table.t{border-collapse:collapse;font-size:12px;margin:.6em 0 1.2em}table.t td,table.t th{padding:3px 7px;
border-bottom:1px solid #ddd;text-align:left;vertical-align:top}table.t th{background:#f4f4f4;font-weight:600;
max-width:170px}table.t{max-width:100%}table.t td{white-space:normal;overflow-wrap:break-word}figure{margin:1em 0 1.5em}img{max-width:100%;height:auto}
figcaption{font-size:13px;color:#444}p.s{font-size:14px;margin:.3em 0}nav a{margin-right:.8em;font-size:13px}"""


def _html(sections, intro, figs) -> str:
    body = [f"<h1>{html.escape(TITLE)}</h1>",
            f"<p>Generated {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.</p>",
            "<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in intro) + "</ul>",
            "<nav>" + "".join(f'<a href="#{s.anchor}">{html.escape(s.title)}</a>' for s in sections) + "</nav>"]
    for s in sections:
        body.append(f'<h2 id="{s.anchor}">{html.escape(s.title)}</h2>')
        body += [f'<p class="s">{html.escape(line)}</p>' for line in s.text]
        if s.figure:
            png, caption = figs[s.figure]
            data = base64.b64encode(png.read_bytes()).decode()
            body.append(f'<figure id="fig-{s.figure}"><img alt="{html.escape(caption)}" '
                        f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}</figcaption></figure>')
        if s.table is not None:
            body.append(html_table(s.table) if len(s.table) else "<p class='s'>(no rows)</p>")
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(TITLE)}</title>'
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>")
