"""Reports: how a comparison and a company's history are shown to people (text, Markdown, HTML)
and to programs (JSON). Assembled apart from delivery: alerts and the CLI both call these."""
from __future__ import annotations

from json import dumps

from typing import TYPE_CHECKING

from ..errors import InputError
from ..model import Comparison
from .common import check_context

if TYPE_CHECKING:
    from .timeline import HistoryRow

FORMATS = ("text", "markdown", "html", "json")
HISTORY_FORMATS = ("text", "json", "html")


def _unknown(fmt: str, known: tuple[str, ...]) -> InputError:
    return InputError(f"unknown report format {fmt!r}; use one of: {', '.join(known)}")


def render(comparison: Comparison, fmt: str, *, color: bool = False, width: int | None = None,
           context: int | None = None, nav: str = "") -> str:
    """The comparison as `fmt`. `color` and `width` shape terminal text; `context` (words kept
    around each change, default 12) applies to text and Markdown; HTML shows sections whole,
    under `nav` (links `policymon serve` adds)."""
    if fmt == "json":
        from .json import comparison_to_json
        return dumps(comparison_to_json(comparison), indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        from .html import render_html
        return render_html(comparison, nav)
    if fmt == "text":
        if width is not None and width < 0:
            raise InputError(f"--width must be 0 (no wrapping) or a number of columns, not {width}")
        from .text import render_text
        return render_text(comparison, color=color, width=width, context=check_context(context))
    if fmt == "markdown":
        from .markdown import render_markdown
        return render_markdown(comparison, context=check_context(context))
    raise _unknown(fmt, FORMATS)


def render_history(company: str, rows: list[HistoryRow], fmt: str, *, color: bool = False,
                   width: int | None = None, nav: str = "") -> str:
    """A document's versions, oldest first as given, each with what changed since the one before."""
    from .timeline import history_html, history_json, history_text
    if fmt == "text":
        return history_text(company, rows, color=color, width=width)
    if fmt == "json":
        return dumps(history_json(company, rows), indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        return history_html(company, rows, nav)
    raise _unknown(fmt, HISTORY_FORMATS)


def __getattr__(name: str):
    if name == "HistoryRow":            # loaded on first use, as the renderers are
        from .timeline import HistoryRow
        return HistoryRow
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FORMATS", "HISTORY_FORMATS", "HistoryRow", "render", "render_history"]
