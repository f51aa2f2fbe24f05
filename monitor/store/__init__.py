"""The embedded store: SQLite rows (through a thin Database, sqlite-utils behind it) plus content-addressed snapshot files."""
from .db import Database, database_problem, open_db, utcnow, write
from .repo import (Stored, add_counts, add_version, company_row, document_filter, comparison_row, ensure_company, find_version,
                   previous_version, referenced_paths, save_comparison, save_snapshot, snapshots,
                   store_capture, versions, versions_by_id)
from .snapshots import read_snapshot_file, sweep, write_snapshot_file

__all__ = ["Database", "database_problem", "open_db", "utcnow", "write", "Stored", "add_counts", "add_version", "company_row",
           "document_filter",
           "comparison_row", "ensure_company", "find_version", "previous_version", "referenced_paths",
           "save_comparison", "save_snapshot", "snapshots", "store_capture", "versions", "versions_by_id", "read_snapshot_file",
           "sweep", "write_snapshot_file"]
