"""Open Terms Archive service declarations → policymon companies and documents.

An OTA declaration (`declarations/SERVICE.json`) names a service and, per terms type, where the
document is (`fetch`) and which parts of the page hold it (`select`) or are noise (`remove`).
They map onto `[companies.SLUG]` (the Privacy Policy) and `[companies.SLUG.documents.TYPE]`
with `selector` and `remove`. What policymon cannot do is said, per document, in the output and
as a comment in the config: range selectors (`startBefore`…), `filter` functions, pages that
need a browser (`executeClientScripts`) and documents combined from several pages (`combine`,
not imported).

The tables are appended to the config file, so every comment and key the user wrote stays as
it was; the whole file is validated before it is written, and written atomically.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import soupsieve

from .config import Config, _toml, parse_config
from .errors import ConfigError, InputError
from .model import PRIVACY, document_key

OTA_PRIVACY = "Privacy Policy"
_KNOWN = {"fetch", "select", "remove", "filter", "executeClientScripts", "combine"}


def slug(name: str) -> str:
    """'Amazon Advertising' → 'amazon-advertising'; 'Terms of Service' → 'terms-of-service'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class Document:
    """One OTA terms declaration, as policymon will watch it."""
    doctype: str
    terms_type: str
    url: str
    selector: str | None = None
    remove: str | None = None
    notes: list[str] = field(default_factory=list)       # what cannot be honoured


@dataclass
class Service:
    company: str
    name: str
    source: Path
    documents: list[Document] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)     # documents not imported, with why


def _css(value, what: str, notes: list[str]) -> str | None:
    """OTA's selector forms (a CSS string, a range object, a list of both) as one CSS selector
    list; the parts policymon cannot apply become notes."""
    parts = value if isinstance(value, list) else [value]
    css = []
    for part in parts:
        if isinstance(part, str) and part.strip():
            try:
                soupsieve.compile(part)
            except Exception as e:          # soupsieve raises several kinds for a bad selector
                notes.append(f"{what} {part!r} is not a CSS selector policymon can apply ({str(e).splitlines()[0]})")
                continue
            css.append(part.strip())
        elif isinstance(part, dict):
            notes.append(f"{what} range {json.dumps(part)} is not supported (policymon selects elements, not "
                         f"ranges between them)")
        else:
            notes.append(f"{what} {json.dumps(part)} is neither a CSS selector nor a range; ignored")
    return ", ".join(css) or None


def _document(terms_type: str, raw) -> Document | str:
    """The document, or why it is not imported."""
    if not isinstance(raw, dict):
        return "its declaration is not an object"
    if "combine" in raw:
        return (f"it combines {len(raw['combine']) if isinstance(raw['combine'], list) else 'several'} pages into "
                f"one document, and policymon watches one page per document; add each page as a document of "
                f"its own if you need them")
    url = raw.get("fetch")
    if not isinstance(url, str) or not re.match(r"^https?://\S+$", url):
        return f"its fetch {json.dumps(url)} is not an http(s) URL"
    notes: list[str] = []
    selector = _css(raw["select"], "select", notes) if "select" in raw else None
    if "select" in raw and selector is None:
        notes.append("without a usable select, policymon reads the page's main content itself")
    remove = _css(raw["remove"], "remove", notes) if "remove" in raw else None
    if raw.get("filter"):
        names = [f if isinstance(f, str) else next(iter(f), "?") for f in raw["filter"]] \
            if isinstance(raw["filter"], list) else [str(raw["filter"])]
        notes.append(f"filter {', '.join(names)} (OTA's JavaScript functions) is not run")
    if raw.get("executeClientScripts"):
        notes.append("executeClientScripts: the page needs a browser, and policymon fetches without running "
                     "scripts; if `policymon check` says the page needs JavaScript, this document cannot be watched")
    unknown = sorted(set(raw) - _KNOWN)
    if unknown:
        notes.append(f"{', '.join(unknown)} not understood; ignored")
    doctype = PRIVACY if terms_type == OTA_PRIVACY else slug(terms_type)
    return Document(doctype, terms_type, url, selector, remove, notes)


def read_declaration(path: Path) -> Service:
    """One OTA service declaration file; InputError naming the file for anything unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
    except ValueError as e:
        raise InputError(f"{path} is not valid JSON ({e}); fix it or leave it out") from None
    terms = data.get("terms", data.get("documents")) if isinstance(data, dict) else None
    if not isinstance(terms, dict) or not isinstance(data.get("name"), str):
        raise InputError(f"{path} is not an Open Terms Archive service declaration (it needs \"name\" and "
                         f"\"terms\"); leave it out")
    company = slug(path.name.removesuffix(".json")) or slug(data["name"])
    if not company:
        raise InputError(f"{path}: no company slug can be made from its name; rename the file")
    service = Service(company, data["name"], path)
    for terms_type, raw in terms.items():
        doc = _document(terms_type, raw)
        if isinstance(doc, str):
            service.skipped.append(f"{terms_type}: {doc}")
        elif not doc.doctype:
            service.skipped.append(f"{terms_type}: no document type can be made from its name")
        else:
            service.documents.append(doc)
    return service


def read_declarations(path: Path) -> list[Service]:
    """A declaration file, or every one in a folder (OTA's `declarations/`; `*.history.json`,
    which hold past declarations, are left out)."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if not p.name.endswith(".history.json"))
        if not files:
            raise InputError(f"{path} holds no declaration (*.json); give OTA's declarations folder or one file")
    elif path.is_file():
        files = [path]
    else:
        raise InputError(f"{path} not found; give a declaration file or a folder of them")
    return [read_declaration(p) for p in files]


@dataclass
class Plan:
    """What the import adds to the config, and what it leaves out."""
    text: str = ""                                          # the TOML appended
    added: dict[str, list[str]] = field(default_factory=dict)        # company → document types
    kept: list[str] = field(default_factory=list)           # already configured, left as they are
    notes: list[str] = field(default_factory=list)          # 'key: what is not honoured'
    skipped: list[str] = field(default_factory=list)        # 'company: document not imported, why'


def _lines(table: str, doc: Document, name: str | None = None) -> list[str]:
    out = [f"# {doc.terms_type}: {note}" for note in doc.notes]
    out.append(f"[{table}]")
    if name is not None:
        out.append(f"name = {_toml(name)}")
    out.append(f"url = {_toml(doc.url)}")
    out += [f"{k} = {_toml(v)}" for k, v in (("selector", doc.selector), ("remove", doc.remove)) if v]
    return out


def plan_import(services: list[Service], config: Config, source: Path) -> Plan:
    """The tables to append for `services`; documents `config` already has are kept as they are."""
    plan = Plan()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    blocks = []
    for service in services:
        plan.skipped += [f"{service.company}: {s}" for s in service.skipped]
        existing = config.companies.get(service.company)
        lines: list[str] = []
        new_company = existing is None and service.company not in plan.added
        privacy = next((d for d in service.documents if d.doctype == PRIVACY), None)
        for doc in sorted(service.documents, key=lambda d: d.doctype != PRIVACY):
            key = document_key(service.company, doc.doctype)
            if key in config.documents or doc.doctype in plan.added.get(service.company, []):
                plan.kept.append(key)
                continue
            if doc is privacy and new_company:
                lines += _lines(f"companies.{service.company}", doc, service.name)
            else:
                lines += _lines(f"companies.{service.company}.documents.{doc.doctype}", doc)
            plan.notes += [f"{key}: {note}" for note in doc.notes]
            plan.added.setdefault(service.company, []).append(doc.doctype)
        if lines and new_company and privacy is None:
            lines = [f"[companies.{service.company}]", f"name = {_toml(service.name)}"] + lines
        if lines:
            blocks.append("\n".join([f"# {service.name}, from {service.source.name}"] + lines))
    if blocks:
        plan.text = (f"\n# Imported from Open Terms Archive declarations ({source}) by `policymon "
                     f"import-declarations` on {stamp}.\n\n" + "\n\n".join(blocks) + "\n")
    return plan


def append_to_config(config: Config, text: str) -> None:
    """Append `text` to the config file after checking the result loads; atomic, mode kept."""
    path = config.path
    current = path.read_text(encoding="utf-8")
    combined = current + ("" if current.endswith("\n") or not current else "\n") + text
    try:
        parse_config(tomllib.loads(combined), path)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"the imported tables would not be valid TOML in {path} ({e}); nothing was written")
    except ConfigError as e:
        raise ConfigError(f"{e}; nothing was written") from None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(combined)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
