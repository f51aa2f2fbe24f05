"""The daemon's heap (daemon/heap.py): two malloc arenas, and free memory handed back to the
system every TRIM_EVERY checks, so memory stays near what the checks need."""
import ctypes

import pytest

from monitor.daemon.heap import TRIM_EVERY, Heap


def _glibc() -> bool:
    try:
        ctypes.CDLL(None).gnu_get_libc_version
        return True
    except AttributeError:
        return False


@pytest.mark.skipif(not _glibc(), reason="the arena limit and trims are glibc's")
def test_the_daemon_keeps_two_arenas_and_trims_every_so_many_checks():
    heap = Heap()
    assert heap.arenas_set
    trims = [heap.checked() for _ in range(2 * TRIM_EVERY)]
    assert trims.count(True) == 2 and trims[TRIM_EVERY - 1] and trims[-1]


def test_a_daemon_has_its_heap_before_its_threads_start(tmp_path):
    from monitor.config import load_config
    from monitor.daemon.scheduler import Daemon
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{tmp_path / "db"}"\nsnapshots = "{tmp_path / "s"}"\n')
    daemon = Daemon(load_config(config))
    assert isinstance(daemon.heap, Heap) and not daemon.scheduler.running
