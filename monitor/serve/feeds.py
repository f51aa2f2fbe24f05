"""Atom 1.0 feeds (RFC 4287) of material changes: one entry per material comparison, linking
to its comparison page and carrying its findings' summaries, for a newsroom's feed reader."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from ..model import document_noun
from .pages import comparison_path
from .read import MaterialChange

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")     # characters XML 1.0 cannot hold


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _stamp(value: str | None) -> str:
    return value or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(change: MaterialChange) -> str:
    """A permanent id whatever host name the feed is read through."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'policymon:{change.key}:{change.old_id}-{change.new_id}')}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _text(text)
    return el


def atom_feed(title: str, base: str, self_path: str, alternate: str, changes: list[MaterialChange]) -> bytes:
    """The feed at `base + self_path`: `changes` newest first. `base` is the site's root URL as
    the reader reached it (links must be absolute to be followed from a feed reader)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'policymon-feed:' + self_path)}")
    _add(feed, "title", title)
    _add(feed, "updated", max((_stamp(c.created_at) for c in changes), default=_stamp(None)))
    _add(feed, "link", rel="self", type="application/atom+xml", href=base + self_path)
    _add(feed, "link", rel="alternate", type="text/html", href=base + alternate)
    _add(_add(feed, "author"), "name", "policymon")
    _add(feed, "generator", "policymon")
    for change in changes:
        company, noun = document_noun(change.key)
        entry = _add(feed, "entry")
        _add(entry, "id", entry_id(change))
        severity = change.severity
        more = f" and {len(change.findings) - 1} more" if len(change.findings) > 1 else ""
        first = change.findings[0].summary if change.findings else "material change"
        _add(entry, "title", f"{company} {noun}: {first}{more} ({severity})")
        _add(entry, "updated", _stamp(change.created_at))
        _add(entry, "published", _stamp(change.new_at))
        _add(entry, "link", rel="alternate", type="text/html",
             href=base + comparison_path(change.key, change.old_id, change.new_id))
        for f in change.findings:
            _add(entry, "category", term=f.category, label=f.category)
        lines = [f"{f.severity.upper()} {f.category}, {f.direction}: {f.summary}" for f in change.findings]
        _add(entry, "summary", "\n".join(lines), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
