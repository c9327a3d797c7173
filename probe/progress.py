"""Progress a researcher can read: conversation-turns done / total with the current phase, notes and a summary.

    bar = Progress("smollm2-135m-instruct")
    bar.step("plan", 1200); bar.step("turn 0", 200); ...; bar.close("4/4 cells written")
    clear_bars()    # a stopped command: wipe the bars off the screen before its one line
"""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, enabled: bool = True):
        self.label, self.enabled, self.bar = label, enabled, None
        self.phase, self._shown = "", 0.0

    def step(self, phase: str, advance: int) -> None:
        """The protocol's callback: phase "plan" adds ``advance`` to the total, any other phase advances."""
        if not self.enabled:
            return
        from tqdm.auto import tqdm

        if self.bar is None:
            self.bar = tqdm(total=0, desc=self.label, unit="conv-turn", dynamic_ncols=True, file=sys.stderr)
        if phase == "plan":
            self.bar.total += advance
            self.bar.refresh()
        elif advance == 0:  # a phase begins: show it now, not when it ends (turn 0 + side branches take minutes)
            self.phase = phase
            self.bar.set_postfix_str(phase, refresh=True)
        else:
            self.bar.set_postfix_str(phase, refresh=False)
            self.bar.update(advance)

    def requests(self, done: int, total: int) -> None:
        """A served model's callback: requests of the current phase answered (shown at most twice a second)."""
        if not self.enabled or self.bar is None or (done < total and time.monotonic() - self._shown < 0.5):
            return
        self._shown = time.monotonic()
        self.bar.set_postfix_str(f"{self.phase}: {done}/{total} requests", refresh=True)

    def note(self, text: str) -> None:
        (self.bar.write if self.bar is not None else lambda t: print(t, file=sys.stderr))(f"{self.label}: {text}")

    def stop(self) -> None:
        """End the bar without a summary (the run stops on an error, whose line follows the bar's, not inside it)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def close(self, summary: str) -> None:
        if self.bar is not None:
            self.bar.close()
        if self.enabled:
            print(f"{self.label}: {summary}", file=sys.stderr)


def clear_bars() -> None:
    """Wipe every open progress bar off the screen (not redrawn at exit): a stopped command's one line then stands
    alone, not appended to a half-drawn bar."""
    tqdm = sys.modules.get("tqdm.std")
    for bar in list(getattr(getattr(tqdm, "tqdm", None), "_instances", ())):
        try:
            bar.leave = False
            bar.close()
        except Exception:  # noqa: BLE001 — cosmetic; never in the way of stopping
            pass
