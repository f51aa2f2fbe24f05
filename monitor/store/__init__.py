"""The embedded store: SQLite rows (through sqlite-utils) plus content-addressed snapshot files."""
from .db import open_db, utcnow, write
from .repo import (add_version, company_row, comparison_row, ensure_company, find_version,
                   previous_version, save_comparison, save_snapshot, snapshots, versions)
from .snapshots import read_snapshot_file, write_snapshot_file

__all__ = ["open_db", "utcnow", "write", "add_version", "company_row", "comparison_row", "ensure_company",
           "find_version", "previous_version", "save_comparison", "save_snapshot", "snapshots", "versions",
           "read_snapshot_file", "write_snapshot_file"]
