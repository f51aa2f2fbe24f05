"""Take docs/dashboard.png: `policymon serve` over the store the serve tests fill (real `check`
and `backfill` runs against the local test site, tests/served.py), plus the bundled history,
photographed by Debian's headless Chromium with no network.

    .venv/bin/python tools/screenshot_dashboard.py docs/dashboard.png
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "netguard")]

import conftest  # noqa: E402,F401  (the network guard; data and config directories kept apart)
from receiver import Receiver  # noqa: E402
from served import Served, filled_store  # noqa: E402
from sites import Site  # noqa: E402


def main(target: Path) -> None:
    site, receiver = Site().start(), Receiver().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            config = filled_store(Path(folder), site, receiver)
            with open(config, "a", encoding="utf-8") as f:      # the bundled histories, seeded by `history`
                f.write("\n".join(f'[companies.{slug}]\nurl = "https://{slug}.example/privacy"\nwayback = false\n'
                                  for slug in ("reddit", "logitech", "amazon-advertising")))
            subprocess.run([sys.executable, "-m", "monitor.cli", "--config", str(config), "history", "reddit"],
                           check=True, capture_output=True)
            server = Served(config)
            try:
                subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                                f"--user-data-dir={Path(folder) / 'profile'}", f"--screenshot={target.resolve()}",
                                "--window-size=1280,1180", server.base + "/"], check=True, capture_output=True,
                               timeout=90)
            finally:
                server.stop()
    finally:
        site.stop()
        receiver.stop()
    print(f"wrote {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "dashboard.png"))
