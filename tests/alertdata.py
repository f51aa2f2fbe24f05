"""Small, visible test data for the alert tests: a config.toml and stored comparisons."""
from __future__ import annotations

import json
from pathlib import Path

from monitor.config import Config, load_config
from monitor.model import Comparison, Finding
from monitor.report.json import comparison_to_json
from monitor.store import add_version, ensure_company, save_comparison


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, (str, list)) else str(value)


def write_config(tmp_path: Path, *, email: dict | None = None, webhook: dict | None = None,
                 alerts: dict | None = None, companies: tuple[str, ...] = ("acme",)) -> Path:
    lines = ["[storage]", 'database = "pm.db"', 'snapshots = "snaps"']
    for table, values in (("alerts", alerts), ("email", email), ("webhook", webhook)):
        if values is not None:
            lines.append(f"[{table}]")
            lines += [f"{k} = {_toml(v)}" for k, v in values.items()]
    for slug in companies:
        lines += [f"[companies.{slug}]", f'url = "https://{slug}.example/privacy"']
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def smtp_settings(port: int, **more) -> dict:
    return {"host": "127.0.0.1", "port": port, "from": "policymon@example.org",
            "to": ["privacy@example.org"], "timeout": 5, **more}


def config_for(tmp_path: Path, **kwargs) -> Config:
    return load_config(write_config(tmp_path, **kwargs))


def finding(severity: str = "high", summary: str = "Advance notice of changes cut from 30 days to 7 days",
            *, material: bool = True, category: str = "notice",
            old: str = "We will tell you 30 days before changes take effect.",
            new: str = "We will tell you 7 days before changes take effect.") -> Finding:
    return Finding(category=category, material=material, severity=severity, direction="weaker", summary=summary,
                   section="Changes to this policy", old_value="30 days", new_value="7 days",
                   evidence_old=old, evidence_new=new)


def store_comparison(db, company: str, findings: list[Finding], *, technical: bool = False,
                     stamp: str = "1") -> int:
    """Two versions of `company` and their comparison; returns the comparison id."""
    ensure_company(db, company, f"https://{company}.example/privacy")
    old, _ = add_version(db, company, f"Policy {stamp}, old text.", captured_at="2024-01-01T00:00:00Z",
                         source="file")
    new, _ = add_version(db, company, f"Policy {stamp}, new text.", captured_at="2024-06-01T00:00:00Z",
                         source="file")
    comparison = Comparison(old=old, new=new, changes=(), findings=tuple(findings), company=company)
    return save_comparison(db, comparison, comparison_to_json(comparison), technical=technical)
