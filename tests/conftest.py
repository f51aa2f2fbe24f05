"""Test set-up for every test: the outbound-network guard, the path to the labelled data in tests/data."""
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

NETGUARD = Path(__file__).parent / "netguard"
sys.path.insert(0, str(NETGUARD))
import sitecustomize  # noqa: E402,F401  (installs the guard in this process)

# Child Python processes (CLI runs, the daemon) load the same guard at start-up.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NETGUARD), os.environ.get("PYTHONPATH")]))

# The user's own data and config directories are never touched: platformdirs resolves the
# default data directory and the user config file under this session's own folder (for child
# processes too), and no $POLICYMON_CONFIG from the caller's shell leaks in.
HOME = Path(tempfile.mkdtemp(prefix="policymon-tests-"))
os.environ["XDG_DATA_HOME"] = str(HOME / "data")
os.environ["XDG_CONFIG_HOME"] = str(HOME / "config")
os.environ["XDG_CACHE_HOME"] = str(HOME / "cache")
(HOME / "cache").mkdir()
os.environ.pop("POLICYMON_CONFIG", None)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data"      # seeds/, dev/, real-dev/, pairs/…: see tests/data/README.md


@pytest.fixture
def corpus() -> Path:
    return CORPUS


def pytest_unconfigure(config):
    shutil.rmtree(HOME, ignore_errors=True)
