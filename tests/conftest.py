"""Test set-up for every test: the outbound-network guard, the path to the labelled data in tests/data."""
import os
import sys
from pathlib import Path

import pytest

NETGUARD = Path(__file__).parent / "netguard"
sys.path.insert(0, str(NETGUARD))
import sitecustomize  # noqa: E402,F401  (installs the guard in this process)

# Child Python processes (CLI runs, the daemon) load the same guard at start-up.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NETGUARD), os.environ.get("PYTHONPATH")]))

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data"      # seeds/, dev/, real-dev/, pairs/…: see tests/data/README.md


@pytest.fixture
def corpus() -> Path:
    return CORPUS
