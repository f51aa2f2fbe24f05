"""Hostile files that are small on the wire and huge once parsed: the PDF bombs and the deeply
nested HTML of issue 12, made on the spot (nothing binary is kept in the repository)."""
from __future__ import annotations

import zlib


def _pdf(pages: list[bytes], *, compress_level: int = 9) -> bytes:
    """A valid PDF with one page per content stream, each stored FlateDecode-compressed."""
    n = len(pages)
    font = 3 + 2 * n
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>",
                            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(n))
                            + b"] /Count %d >>" % n]
    for i, content in enumerate(pages):
        packed = zlib.compress(content, compress_level)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, font))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text_ops(size: int, word: bytes = b"privacy policy text ") -> bytes:
    """About `size` bytes of content stream that shows text line after line."""
    line = b"(" + word * 12 + b") Tj T* "
    return b"BT /F1 1 Tf 14 TL 50 780 Td " + line * (size // len(line)) + b"ET"


def small_pdf_bomb() -> bytes:
    """About 24 KB on the wire; its one page shows one string of 24 million characters."""
    return _pdf([b"BT /F1 1 Tf 50 780 Td (" + b"A" * 24_000_000 + b") Tj ET"])


def many_streams_pdf_bomb(streams: int = 40, size: int = 8_000_000) -> bytes:
    """About 1 MB on the wire: `streams` pages, each an 8 MB compressed content stream."""
    return _pdf([_text_ops(size, word=b"data %03d shared " % i) for i in range(streams)])


def deep_html(depth: int = 100_000) -> bytes:
    """A page of `depth` nested divs around one paragraph."""
    return (b"<!doctype html><html><head><title>Privacy</title></head><body>" + b"<div>" * depth
            + b"<p>We do not sell personal information.</p>" + b"</div>" * depth + b"</body></html>")
