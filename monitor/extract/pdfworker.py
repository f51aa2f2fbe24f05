"""Read one PDF's page texts in a process of its own, under the budgets it is given.

Run as a script (`python -P pdfworker.py BUDGETS_JSON`, the PDF on stdin), never imported by
the daemon: it needs only pypdf and the standard library, so it starts in about 0.15 s. It
limits its own address space and CPU time before touching the file (a parent with threads
cannot safely do that between fork and exec), and answers one JSON object on stdout:
{"pages": [...]} or {"over": "which budget"} or {"error": "why the PDF cannot be read"}.
"""
import io
import json
import logging
import resource
import sys


def _limit(memory: int, seconds: float) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _page_text(page) -> str:
    # Layout mode keeps vertical gaps as blank lines, the best paragraph signal a PDF has;
    # it fails on some unusual fonts, where plain mode still works.
    from pypdf.errors import LimitReachedError
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except LimitReachedError:
        raise
    except Exception:     # noqa: BLE001 - any layout failure falls back to plain mode
        return page.extract_text() or ""


def read(body: bytes, budget: dict) -> dict:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    limits = {"zlib_maximum_output_length": budget["stream_bytes"],
              "lzw_maximum_output_length": budget["stream_bytes"],
              "run_length_maximum_output_length": budget["stream_bytes"],
              "brotli_maximum_output_length": budget["stream_bytes"],
              "array_based_stream_maximum_output_length": budget["stream_bytes"],
              "stream_parsing_work_maximum_count": budget["operations"]}
    try:
        with apply_configuration(**limits):
            reader = PdfReader(io.BytesIO(body))
            if reader.is_encrypted and not reader.decrypt(""):
                return {"error": "the PDF is password-protected; provide an unprotected copy of the policy"}
            if len(reader.pages) > budget["pages"]:
                return {"over": f"the PDF has over {budget['pages']} pages (the page budget)"}
            pages, chars = [], 0
            for page in reader.pages:
                text = _page_text(page)
                chars += len(text)
                if chars > budget["chars"]:
                    return {"over": f"the PDF's text is over {budget['chars']:,} characters (the text budget)"}
                pages.append(text)
            return {"pages": pages}
    except LimitReachedError as exc:
        if "decompress" in str(exc).lower():
            return {"over": f"the PDF has a stream over {budget['stream_bytes']:,} bytes once decompressed "
                            f"(the stream budget)"}
        return {"over": f"the PDF goes over a parsing budget ({str(exc)[:80]}; at most {budget['operations']:,} "
                        f"operations per content stream)"}
    except MemoryError:
        return {"over": f"reading the PDF needs over {budget['memory'] // 2**20} MiB (the memory budget)"}
    except RecursionError as exc:
        return {"error": f"the PDF cannot be read (RecursionError: {str(exc)[:80]})"}
    except Exception as exc:     # noqa: BLE001 - any parse failure means the file cannot be read
        return {"error": f"the PDF cannot be read ({type(exc).__name__}: {str(exc)[:80]})"}


def main() -> None:
    budget = json.loads(sys.argv[1])
    _limit(budget["memory"], budget["seconds"])
    body = sys.stdin.buffer.read()
    try:
        answer = read(body, budget)
    except MemoryError:
        answer = {"over": f"reading the PDF needs over {budget['memory'] // 2**20} MiB (the memory budget)"}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main()
