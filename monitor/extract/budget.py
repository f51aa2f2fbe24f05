"""What extracting one snapshot may cost before it is refused: the limits in one place.

The download cap counts bytes on the wire, not what they expand to: a 24 KB PDF can hold a
string of millions of characters, a 1 MB one forty 8 MB compressed streams, a 1 MB page a
hundred thousand nested elements. A page over any of these budgets is an OverBudget error
naming the limit (a failed check, never a version).

PDFs are read in a separate process (`pdfworker.py`) with an address-space and CPU limit and
a wall-clock deadline, so a hostile file costs the daemon neither its memory nor a thread for
ever; it costs about 0.15 s of process start per PDF, and policy PDFs are rare. HTML is bounded
before it is parsed, by a scan of its tags (elements and nesting), which bounds the parse's
time and memory in turn.
"""
from __future__ import annotations

import re

from ..errors import InputError

MAX_CHARS = 2_000_000             # characters of text out; a long real policy has about 200,000
PDF_MAX_PAGES = 500
PDF_SECONDS = 20.0                # wall clock for reading one PDF, worker start included
PDF_MEMORY = 512 * 1024 * 1024    # address space of the worker process
PDF_STREAM_BYTES = 16_000_000     # one stream once decompressed (page contents, fonts…)
PDF_CONTENT_OPERATIONS = 500_000  # operators and operands in one page's content stream
HTML_MAX_ELEMENTS = 150_000       # tags on one page; a very long real policy page has about 30,000
HTML_MAX_DEPTH = 500              # elements open inside each other; real pages stay under 100

# Elements that never hold others, or that HTML closes implicitly: they do not count as nesting.
_NOT_NESTING = frozenset("area base br col embed hr img input link meta param source track wbr p li dt dd "
                         "tr td th option optgroup thead tbody tfoot colgroup rb rt rtc rp".split())
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")


class OverBudget(InputError):
    """A snapshot that would cost more to extract than its budget; the message names the limit."""


def check_chars(count: int) -> None:
    if count > MAX_CHARS:
        raise OverBudget(f"the extracted text is over {MAX_CHARS:,} characters (the text budget); "
                         f"this is not a policy page, or point the company at the policy itself")


def check_html(text: str) -> None:
    """Refuse markup with more elements or deeper nesting than a page can need, before parsing it."""
    depth = elements = 0
    for tag in _TAG.finditer(text):
        elements += 1
        if elements > HTML_MAX_ELEMENTS:
            raise OverBudget(f"the page has over {HTML_MAX_ELEMENTS:,} HTML elements (the element budget); "
                             f"this is not a policy page")
        if tag[2].lower() in _NOT_NESTING:
            continue
        if tag[1]:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > HTML_MAX_DEPTH:
                raise OverBudget(f"the page nests HTML elements over {HTML_MAX_DEPTH} deep (the nesting "
                                 f"budget); this is not a policy page")
