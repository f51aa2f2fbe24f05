"""A backfill's counters on stderr: one line redrawn in place on a terminal, else one final line."""
from __future__ import annotations

import shutil
import sys
import time


def backfill_line(result) -> str:
    return (f"{result.company}: {result.listed} listed, {result.downloaded} downloaded, "
            f"{result.skipped_duplicate} duplicate, {result.already_stored} already stored, "
            f"{result.rejected} not a policy, {result.failed} failed"
            f"{f', {result.invalid} invalid CDX rows refused' if result.invalid else ''}; "
            f"{result.new_versions} new versions")


class BackfillProgress:
    """Call it with the running BackfillResult; `close()` ends with the full final line."""

    def __init__(self, stream=None, interval: float = 0.1):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.interval = interval
        self._last = 0.0
        self._drawn = False
        self.result = None

    def __call__(self, result) -> None:
        self.result = result
        now = time.monotonic()
        if not self.live or now - self._last < self.interval:
            return
        self._last = now
        width = shutil.get_terminal_size().columns - 1
        # \r back to the start, \x1b[K clears what a longer earlier line left behind.
        self.stream.write("\r" + backfill_line(result)[:width] + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self, result=None) -> None:
        """Print the final counters (of `result`, else the last seen), if there were any."""
        result = result or self.result
        if result is not None:
            self.stream.write(("\r\x1b[K" if self._drawn else "") + backfill_line(result) + "\n")
            self.stream.flush()
