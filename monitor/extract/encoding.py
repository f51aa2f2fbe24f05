"""Bytes to str: BOM, then the Content-Type charset, then <meta charset>, then detection.

Legacy single-byte labels (ISO-8859-1, ASCII) decode as Windows-1252, as browsers do, and a
body that is valid UTF-8 wins over such a label (a server default that is usually wrong).
"""
from __future__ import annotations

import codecs
import re

from ..errors import InputError

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MAGIC = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"PK\x03\x04", "a ZIP archive (or Office document)"), (b"\x1f\x8b", "gzip-compressed data"),
          (b"\x7fELF", "an executable"), (b"RIFF", "a RIFF media file"), (b"\x00\x00\x01\x00", "an icon"),
          (b"OggS", "an Ogg media file"), (b"ID3", "an MP3 file"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
          (b"wOF", "a web font"), (b"\x00asm", "a WebAssembly module"), (b"7z\xbc\xaf", "a 7-Zip archive"))
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
_LEGACY = {"latin-1", "iso8859-1", "ascii", "cp1252"}
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def binary_kind(body: bytes) -> str | None:
    """Name of a well-known binary format the body starts with, if any."""
    head = body[:8]
    return next((name for magic, name in _MAGIC if head.startswith(magic)), None)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return "cp1252" if name in _LEGACY else name


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset a page declares: Content-Type header first, then <meta> or the XML prolog."""
    match = _CHARSET_PARAM.search(content_type or "")
    codec = _codec(match.group(1)) if match else None
    if codec:
        return codec
    head = body[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    codec = _codec(match.group(1).decode("ascii")) if match else None
    # A page that is readable as ASCII cannot really be UTF-16 (a common copy-paste mistake).
    return "utf-8" if codec and codec.startswith("utf-16") else codec


def _utf16_without_bom(body: bytes) -> str | None:
    sample = body[:4000]
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 4 and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if len(sample) >= 4 and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode(body: bytes, content_type: str | None = None) -> str:
    """Decode a snapshot's bytes, or raise InputError if they are not text."""
    kind = binary_kind(body)
    if kind:
        raise InputError(f"the input is {kind}, not a policy; point at the policy's HTML, text or PDF")
    text = _decode(body, content_type)
    if text is None or len(_CONTROL.findall(text[:20000])) > max(2, len(text[:20000]) // 100):
        raise InputError("the input is binary data, not text; point at the policy's HTML, text or PDF")
    return text


def _decode(body: bytes, content_type: str | None) -> str | None:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                break
    declared = declared_charset(body, content_type)
    if declared == "cp1252" and not body.isascii():
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return body.decode("cp1252", errors="replace").replace("\ufffd", "")
    if declared:
        try:
            return body.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    utf16 = _utf16_without_bom(body) if b"\x00" in body[:4000] else None
    if utf16:
        try:
            return body.decode(utf16)
        except UnicodeDecodeError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in body[:4000]:
        return None
    return _detected(body)


def _detected(body: bytes) -> str | None:
    """charset-normalizer's guess; among equally good guesses, Windows-1252 (the web's usual)."""
    import charset_normalizer           # here: most bodies say or are UTF-8, and the import costs 20 ms
    matches = charset_normalizer.from_bytes(body[:200_000])
    best = matches.best()
    if best is None:
        return None
    codec = best.encoding
    for match in matches:
        if (match.encoding == "cp1252" and match.chaos <= best.chaos + 0.01
                and match.coherence >= best.coherence - 0.01):
            codec = "cp1252"
    return body.decode(codec, errors="replace")
