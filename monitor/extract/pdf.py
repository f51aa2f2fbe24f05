"""PDF to contract lines with pypdf, page by page, read in a worker process under the budgets
in `budget` (a hostile PDF must cost neither the daemon's memory nor its time).

Running headers, footers and page numbers are dropped, hyphenated line breaks joined and
wrapped lines rebuilt into paragraphs; bullets are list markers and go like the others.
"""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from ..errors import InputError
from . import budget
from .budget import OverBudget
from .normalise import clean_line, unwrap

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.I)
_BULLET = re.compile("^[\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u2219\uf0b7\uf0a7\uf076\uf0d8]\\s*")
_WORKER = Path(__file__).with_name("pdfworker.py")


def _page_texts(body: bytes) -> list[str]:
    """Each page's text, read by pdfworker.py in its own process under the PDF budgets."""
    limits = {"pages": budget.PDF_MAX_PAGES, "chars": budget.MAX_CHARS, "memory": budget.PDF_MEMORY,
              "seconds": budget.PDF_SECONDS, "stream_bytes": budget.PDF_STREAM_BYTES,
              "operations": budget.PDF_CONTENT_OPERATIONS}
    try:
        run = subprocess.run([sys.executable, "-P", str(_WORKER), json.dumps(limits)], input=body,
                             capture_output=True, timeout=budget.PDF_SECONDS)
    except subprocess.TimeoutExpired:
        raise OverBudget(f"reading the PDF took over {budget.PDF_SECONDS:g} s (the time budget); this is "
                         f"not a policy document") from None
    try:
        answer = json.loads(run.stdout)
    except ValueError:
        if run.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise OverBudget(f"reading the PDF took over {budget.PDF_SECONDS:g} s of CPU (the time budget); "
                             f"this is not a policy document") from None
        raise InputError(f"the PDF cannot be read (the reader stopped with code {run.returncode}); check "
                         f"that the file is a complete, valid PDF") from None
    if "over" in answer:
        raise OverBudget(f"{answer['over']}; this is not a policy document")
    if "error" in answer:
        raise InputError(answer["error"] + ("" if "protected" in answer["error"] else
                                            "; check that the file is a complete, valid PDF"))
    return answer["pages"]


def pdf_lines(body: bytes) -> list[str]:
    """Paragraph lines of a PDF's text; InputError when there is no text to extract."""
    pages = [[clean_line(line) for line in text.splitlines()] for text in _page_texts(body)]
    filled = [[line for line in page if line] for page in pages]
    if not any(filled):
        raise InputError("the PDF has no extractable text (scanned images?); "
                         "use a text, HTML or text-based PDF version of the policy")
    # Lines repeated at the top or bottom of most pages are running headers and footers.
    edges = Counter(line for page in filled for line in {*page[:2], *page[-2:]})
    repeated = {line for line, n in edges.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    lines: list[str] = []
    for page in pages:
        filled_at = [n for n, line in enumerate(page) if line]
        edge = {*filled_at[:2], *filled_at[-2:]}
        for n, line in enumerate(page):
            if n in edge and (line in repeated or _PAGE_NUMBER.match(line)):
                continue
            if lines and _BULLET.fullmatch(lines[-1]):      # a bullet alone belongs to the next line
                lines[-1] = "\u2022 " + line
            elif line or (lines and lines[-1]):
                lines.append(_BULLET.sub("\u2022 ", line))
    return [_BULLET.sub("", line) for line in unwrap(lines, pdf=True)]
