"""The HTML report renders in headless Chromium: figures visible (screenshot checked), no horizontal scrolling at
1300 px, leaderboard first, readable cells."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from probe.analysis.report import write_report
from probe.analysis.synthetic import synthetic_runs

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def chromium(tmp_path, *args):
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=True)


SWEEP_RUN = Path(os.environ.get("PROBE_SWEEP_RUN", Path(__file__).resolve().parents[2] / "runs" / "cpu-default"))


@pytest.fixture(scope="module", params=["synthetic", "factorial", "real", "sweep"])
def report(request, tmp_path_factory):
    """The report on synthetic records with a known truth, on a real SmolLM2 run (`probe run` smoke config), and on
    the embedded default's `make sweep` output when it is there (runs/cpu-default, or PROBE_SWEEP_RUN)."""
    if request.param == "synthetic":
        runs = synthetic_runs(n_items=200, seed=2)
    elif request.param == "factorial":  # the expert-pushback design: its section leads the report
        from probe.analysis.synthetic import FACTORIAL_CONDITIONS

        runs = synthetic_runs(n_items=120, conditions=FACTORIAL_CONDITIONS, turns=3, seed=4)
    elif request.param == "sweep":
        from probe.analysis import load_runs

        if not (SWEEP_RUN / "turns.parquet").is_file():
            pytest.skip(f"{SWEEP_RUN} has no collected sweep (run `make sweep` first)")
        runs = load_runs([str(SWEEP_RUN)])
    else:
        from probe.analysis import load_runs

        runs = load_runs([str(request.getfixturevalue("smoke_run")[0])])
    return write_report(runs, tmp_path_factory.mktemp("r") / "report", n_boot=40)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (make system-deps installs it)")
def test_report_renders_with_visible_figures(report, tmp_path):
    png = tmp_path / "shot.png"
    chromium(tmp_path, "--window-size=1300,9000", f"--screenshot={png}", "--hide-scrollbars", report.as_uri())
    import matplotlib.image as mpimg

    img = mpimg.imread(png)[..., :3]
    assert img.shape[1] == 1300
    rows_with_ink = (img.std(axis=(1, 2)) > 0.05).mean()  # share of pixel rows that are not blank
    colourful = (img.max(axis=2) - img.min(axis=2) > 0.2).mean()  # plots are in colour, text is grey
    assert rows_with_ink > 0.3 and colourful > 0.005, (rows_with_ink, colourful)
    right_margin = img[:, -40:, :]  # nothing is cut off at the right edge: the page fits the window
    assert (right_margin.min(axis=2) > 0.9).mean() > 0.99


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (make system-deps installs it)")
def test_report_fits_1300_px_and_reads_in_order(report, tmp_path):
    probe = tmp_path / "probe.html"
    script = ("<script>window.addEventListener('load',()=>{document.title='W'+document.documentElement.scrollWidth"
              "+' F'+[...document.images].filter(i=>i.naturalWidth>0).length})</script>")
    probe.write_text(report.read_text().replace("</body>", script + "</body>"))
    dom = chromium(tmp_path, "--window-size=1300,2000", "--virtual-time-budget=5000", "--dump-dom",
                   probe.as_uri()).stdout
    width, figures = map(int, re.search(r"<title>W(\d+) F(\d+)</title>", dom).groups())
    assert width <= 1300, f"horizontal scrolling: page is {width} px wide"
    drawn = len(list((report.parent / "figures").glob("*.png")))
    assert figures == drawn and drawn >= 5  # every figure drawn is embedded and loads
    text = re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", dom))
    assert text.index("Leaderboard") < text.index("Primary result") < text.index("Sycophancy against control")
    assert not re.search(r"\bnan\b", text, re.IGNORECASE) and "(pooled)" not in text
