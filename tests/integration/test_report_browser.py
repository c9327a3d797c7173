"""The HTML report renders in headless Chromium with its figures visible (screenshot checked)."""
import shutil
import subprocess

import pytest

from probe.analysis.report import write_report
from probe.analysis.synthetic import synthetic_runs

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(html, png, tmp_path, height=6000):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", f"--window-size=1200,{height}", f"--screenshot={png}",
           html.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=True)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (make system-deps installs it)")
def test_report_renders_with_visible_figures(tmp_path):
    html = write_report(synthetic_runs(n_items=200, seed=2), tmp_path / "report", n_boot=30)
    png = tmp_path / "shot.png"
    screenshot(html, png, tmp_path)
    import matplotlib.image as mpimg

    img = mpimg.imread(png)[..., :3]
    assert img.shape[1] == 1200
    rows_with_ink = (img.std(axis=(1, 2)) > 0.05).mean()  # share of pixel rows that are not blank
    colourful = (img.max(axis=2) - img.min(axis=2) > 0.2).mean()  # plots are in colour, text is grey
    assert rows_with_ink > 0.3 and colourful > 0.005, (rows_with_ink, colourful)
