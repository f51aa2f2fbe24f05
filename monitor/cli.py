"""`policymon`: a thin skin over the pipeline. Each command parses arguments, calls library
functions and prints. Exit codes: 0 success; 1 an expected failure (one line on stderr naming
the problem and the fix), or with --exit-code a material finding, or eval below --min-f1;
2 a usage error (argparse); 3 an internal error (a bug: one line, POLICYMON_DEBUG=1 for more)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import InputError, NotFound, PolicymonError

# Each command imports what it needs when it runs, so `compare`, `diff`, `history`, `status` and
# `alerts` start in about a tenth of a second: no HTML reader for Markdown or text files, no
# scheduler, no sqlite-utils, no HTTP client unless the command uses them
# (tests/test_startup.py checks which modules each one loads).

FORMATS = ("text", "markdown", "html", "json")
EXPECTED_FAILURE, USAGE, INTERNAL_ERROR = 1, 2, 3


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"file {path} not found; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory; give a policy file (text, Markdown, HTML or PDF)") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from None


def _extract_file(path: str, body: bytes, selector: str | None = None, remove: str | None = None) -> str:
    """The file's text; an unusable file is an InputError that names it."""
    from .extract import extract
    try:
        return extract(body, filename=path, selector=selector, remove=remove)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None


def _file_version(path: str):
    """A file as a version, named by its path so reports say which file is which."""
    from .model import Version
    return Version(text=_extract_file(path, _read_file(path)), source="file", url=path)


def _use_color(args) -> bool:
    return (getattr(args, "output", None) is None and sys.stdout.isatty()
            and not getattr(args, "no_color", False) and "NO_COLOR" not in os.environ)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write {path}: {e.strerror}") from None


def _emit(args, text: str) -> None:
    if getattr(args, "output", None):
        _write(Path(args.output), text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _show_comparison(args, comparison) -> int:
    """Print or write the report; the exit code, 1 under --exit-code when a finding is material."""
    from .report import render
    width = args.width
    if width is None and args.output is None and sys.stdout.isatty():
        import shutil
        width = shutil.get_terminal_size().columns
    _emit(args, render(comparison, args.format, color=_use_color(args), width=width, context=args.context))
    return 1 if args.exit_code and comparison.material else 0


def cmd_compare(args) -> int:
    from .compare import compare_versions
    old, new = _file_version(args.old), _file_version(args.new)
    return _show_comparison(args, compare_versions(old, new))


def _open(args, *, seed: bool = True, readonly: bool = False):
    """Config and store; `seed` loads the bundled history for commands that read versions.
    `readonly` (status, alerts, diff, history) opens an existing store for reading only, so
    those commands work on a read-only database; only a store that still lacks bundled history
    it could hold is opened for writing, to seed it, and only if it can be."""
    from .bundled import seed_bundled_history, unseeded
    from .config import load_config
    from .store import open_db
    from .store.db import StoreError
    config = load_config(args.config)
    if readonly and config.database.is_file():
        db = open_db(config.database, readonly=True)
        if not (seed and unseeded(config, db)):
            return config, db
        try:
            writable = open_db(config.database)
        except StoreError:
            return config, db           # a read-only store without the bundled history: read what it has
        db.conn.close()
        db = writable
    else:
        db = open_db(config.database)
    if seed:
        seed_bundled_history(config, db)
    return config, db


def _sweep(config, db) -> None:
    """Before a command that stores captures: clear what killed runs left under snapshots/."""
    from .check import sweep_snapshots
    temporary, orphans = sweep_snapshots(config, db)
    if temporary or orphans:
        print(f"policymon: removed {temporary} unfinished and {orphans} unreferenced snapshot file(s) left by "
              f"interrupted runs", file=sys.stderr)


def _iso_date(value: str | None) -> str:
    from datetime import datetime, timezone
    if not value:
        return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--at {value!r} is not an ISO date; write e.g. 2024-05-01 or 2024-05-01T12:00:00Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def cmd_import(args) -> int:
    from .history import record_comparison
    from .store import ensure_company, previous_version, store_capture, write
    config, db = _open(args)
    document = config.document(args.company)
    body = _read_file(args.file)
    text = _extract_file(args.file, body, document.selector, document.remove)   # refuse bad input before storing
    captured_at = _iso_date(args.at)
    ensure_company(db, document.key, document.url)
    with write(db):                     # the capture and its comparison together, or neither
        stored = store_capture(db, config.snapshots, company=document.key, body=body, text=text, source="file",
                               url=Path(args.file).name, captured_at=captured_at)
        version = stored.version
        before = previous_version(db, version) if stored.created else None
        if before is not None:
            record_comparison(db, before, version, document.key)
    print(f"{document.key}: {'stored new version' if stored.created else 'text unchanged; kept version'} "
          f"#{version.id} ({version.sha256[:12]}) captured {version.captured_at}")
    return 0


def cmd_diff(args) -> int:
    from .compare import compare_versions
    from .store import find_version, previous_version
    config, db = _open(args, readonly=True)
    key = config.document(args.company).key
    new = find_version(db, key, args.to or "latest")
    if args.from_:
        old = find_version(db, key, args.from_)
    else:
        old = previous_version(db, new)
        if old is None:
            raise NotFound(f"{key!r} has only one version up to {new.captured_at}; nothing to compare "
                           f"yet (run `policymon backfill {key}` or `policymon import` another)")
    return _show_comparison(args, compare_versions(old, new, company=key))


def cmd_history(args) -> int:
    from .history import history_rows
    from .report import render_history
    config, db = _open(args, readonly=True)
    key = config.document(args.company).key
    out = Path(args.output) if args.format == "html" and args.output else None
    written = []

    def report_name(old, new):
        """Each timeline row links to its comparison's report, written beside the timeline."""
        from .compare import compare_versions
        from .report import render
        name = f"{out.stem}-{old.id}-{new.id}.html"
        target = out.with_name(name)
        if not target.exists():
            _write(target, render(compare_versions(old, new, company=key), "html"))
            written.append(target)
        return name

    rows = history_rows(db, key, report_name if out else None)
    _emit(args, render_history(key, rows, args.format))
    if out and len(rows) > 1:
        names = [p.name for p in written]
        shown = ", ".join(names if len(names) <= 3 else [names[0], "…", names[-1]])
        kept = len(rows) - 1 - len(written)
        print(f"wrote {len(written)} comparison report{'s' if len(written) != 1 else ''} beside it"
              + (f": {shown}" if names else "") + (f"; kept {kept} already there" if kept else ""), file=sys.stderr)
    return 0


def _check_line(result) -> str:
    if not result.ok:        # the reason says whether trying later may help; nothing here retries
        return f"{result.company}: FAILED: {result.reason}"
    if result.outcome == "changed" and result.comparison_id is None:
        return f"{result.company}: first version #{result.version_id}"
    if result.outcome == "changed":
        return (f"{result.company}: new version #{result.version_id}"
                f"{' with material changes' if result.material else ' (no material change)'}"
                f"{f'; {len(result.alert_ids)} alert(s) recorded' if result.alert_ids else ''}")
    return f"{result.company}: unchanged" + (f" ({result.reason})" if result.reason else "")


def cmd_check(args) -> int:
    from .alerts import deliver_pending
    from .check import check_all
    config, db = _open(args)
    _sweep(config, db)
    results = check_all(config, db, args.companies or None)
    for result in results:
        print(_check_line(result))
    if any(r.alert_ids for r in results):
        report = deliver_pending(db, config)
        for line in report.errors + report.config_errors:
            print(f"policymon: {line}", file=sys.stderr)
        print(report.summary())
    return 0 if all(r.ok for r in results) else 1


def cmd_backfill(args) -> int:
    from .check import backfill
    from .progress import BackfillProgress
    config, db = _open(args)
    _sweep(config, db)
    failed = False
    for document in config.documents_of(args.company):
        progress = BackfillProgress()
        try:
            result = backfill(config, db, document.key, start=args.from_, end=args.to, progress=progress)
        finally:
            progress.close()
        if result.invalid:
            print(f"policymon: refused {result.invalid} CDX row(s) that cannot be a capture (first: "
                  f"{result.first_invalid}); the rest of the history was stored", file=sys.stderr)
        if result.failed:
            print(f"policymon: {result.failed} capture(s) could not be downloaded (first: {result.errors[0]}); "
                  f"run the backfill again to retry them", file=sys.stderr)
            failed = True
    return 1 if failed else 0


def cmd_reextract(args) -> int:
    from .check import reextract
    config, db = _open(args)
    r = reextract(config, db, args.company)
    print(f"re-extracted {r.snapshots} snapshots of {r.companies} companies: {r.versions_changed} versions "
          f"rewritten, {r.versions_added} added, {r.versions_removed} removed, {r.comparisons} comparisons "
          f"recomputed; {r.rejected} snapshots are not a policy (technical upgrade: no alerts)")
    for line in r.skipped:
        print(f"policymon: {line}", file=sys.stderr)
    return 1 if r.skipped else 0


def cmd_eval(args) -> int:
    from .evaluate import evaluate, format_eval
    result = evaluate(Path(args.corpus))
    print(format_eval(result))
    if args.min_f1 is not None and result.f1 < args.min_f1:
        print(f"policymon: F1 {result.f1:.2f} is below --min-f1 {args.min_f1:g}", file=sys.stderr)
        return EXPECTED_FAILURE
    return 0


def cmd_run(args) -> int:
    import signal
    # The daemon reads its signals with sigtimedwait, so every thread must block them. Block
    # them before importing it: an import may start a thread (numpy starts its BLAS threads,
    # should anything load it), and a thread without the mask would take SIGTERM's default
    # action and kill the process.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})
    from .config import find_config
    from .daemon import run_daemon
    return run_daemon(find_config(args.config)[0], log_format=args.log_format)


def cmd_import_declarations(args) -> int:
    from .config import load_config
    from .declarations import append_to_config, plan_import, read_declarations
    config = load_config(args.config)
    source = Path(args.path)
    plan = plan_import(read_declarations(source), config, source)
    for company, doctypes in plan.added.items():
        print(f"{company}: {', '.join(doctypes)}")
    for key in plan.kept:
        print(f"policymon: {key} is already in {config.path}; kept as it is", file=sys.stderr)
    for line in plan.skipped:
        print(f"policymon: not imported: {line}", file=sys.stderr)
    for line in plan.notes:
        print(f"policymon: cannot honour: {line}", file=sys.stderr)
    if not plan.text:
        print("nothing to import")
        return 0
    if args.dry_run:
        sys.stdout.write(plan.text)
        return 0
    append_to_config(config, plan.text)
    documents = sum(len(d) for d in plan.added.values())
    print(f"added {documents} document(s) of {len(plan.added)} companies to {config.path}; next: "
          f"`policymon check {' '.join(plan.added)}`")
    return 0


def cmd_serve(args) -> int:
    from .config import load_config
    from .serve import prepare_store, serve
    config = load_config(args.config)
    prepare_store(config)
    print(f"policymon: serving {config.database} at http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr,
          flush=True)
    return serve(config, args.host, args.port)


def cmd_status(args) -> int:
    from .daemon.lock import daemon_pid
    from .daemon.status import company_status, render_status
    config, db = _open(args, seed=False, readonly=True)
    rows = company_status(config, db)
    print(render_status(rows, daemon_pid(config.database), args.format))
    return 0


def cmd_alerts(args) -> int:
    from .alerts import list_alerts, render_alerts
    from .store import company_row
    config, db = _open(args, seed=False, readonly=True)
    if args.company and args.company not in config.companies and company_row(db, args.company) is None:
        config.document(args.company)       # raises: unknown company or document, naming the configured ones
    _emit(args, render_alerts(list_alerts(db, args.company), args.format))
    return 0


def cmd_deliver(args) -> int:
    from .alerts import deliver_pending, requeue_failed
    config, db = _open(args, seed=False)
    if args.retry_failed:
        print(f"requeued {requeue_failed(db)} failed deliveries")
    report = deliver_pending(db, config)
    for line in report.errors + report.config_errors:
        print(f"policymon: {line}", file=sys.stderr)
    print(report.summary())
    return 1 if report.config_errors else 0


def cmd_notify_test(args) -> int:
    from .alerts import sample_alert, send_alert
    from .config import load_config
    from .errors import ConfigError
    config = load_config(args.config)
    channels = [args.channel] if args.channel else [c for c in ("email", "webhook") if getattr(config, c)]
    if not channels:
        raise ConfigError(f"{config.path.name} has no [email] or [webhook] table; add one to receive alerts")
    failed = 0
    for channel in channels:
        try:
            send_alert(config, channel, sample_alert())
            print(f"{channel}: test alert sent")
        except PolicymonError as e:
            print(f"policymon: {channel}: {e}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def cmd_init(args) -> int:
    from .bundled import bundled_companies
    from .config import config_template, find_config, user_config_path
    from .errors import ConfigError
    target = Path(args.path or args.config or os.environ.get("POLICYMON_CONFIG") or user_config_path())
    if target.exists() and not args.force:
        raise ConfigError(f"{target} already exists; keep it, pass --force to overwrite it, or give another PATH")
    data = Path(args.data_dir).expanduser().absolute() if args.data_dir else None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"cannot create {target.parent}: {e.strerror}; give another PATH") from None
    _write(target, config_template(bundled_companies(), data=data))
    print(f"wrote {target}")
    found = None
    try:
        found = find_config(None if args.path else args.config)[0]
    except ConfigError:
        pass
    if found is not None and found.resolve() != target.resolve():
        print(f"note: from here policymon reads {found} first; pass --config {target} "
              f"or set POLICYMON_CONFIG={target}")
    print("next: `policymon config check`, then `policymon diff reddit`")
    return 0


def _where(path: Path) -> str:
    if path.is_dir():
        return f"{path} ({sum(1 for p in path.rglob('*') if p.is_file()):,} files)"
    if path.is_file():
        return f"{path} ({path.stat().st_size:,} bytes)"
    return f"{path} (not created yet; created on first use)"


def cmd_config_check(args) -> int:
    """Validate the config as start-up does and say where everything is."""
    from .alerts.outbox import check_channel
    from .bundled import bundled_companies
    from .config import data_dir, find_config, load_config
    from .errors import ConfigError
    path, how = find_config(args.config)
    config = load_config(path)
    bundled = sorted(set(config.companies) & set(bundled_companies()))
    off = [key for key, d in config.documents.items() if not config.wayback_for(d)]
    others = len(config.documents) - sum(1 for d in config.documents.values() if d.doctype == "privacy")
    lines = [f"config:    {path.absolute()} (found as {how})",
             f"data dir:  {data_dir()} (the default for [storage] paths not set)",
             f"database:  {_where(config.database)}",
             f"snapshots: {_where(config.snapshots)}",
             f"companies: {len(config.companies)} ({', '.join(config.companies) or 'none: add [companies.SLUG]'})"
             + (f"; {others} other document(s)" if others else "")
             + (f"; bundled history for {', '.join(bundled)}" if bundled else ""),
             f"wayback:   " + (f"{config.wayback_endpoint}, {config.wayback_cdx_per_minute} CDX requests a minute"
                              + (f"; off for {', '.join(off)}" if off else "")
                              if config.wayback_enabled else "off ([wayback] enabled = false)")]
    for channel in ("email", "webhook"):
        if getattr(config, channel) is None:
            lines.append(f"{channel + ':':<10} off (no [{channel}] table)")
            continue
        where = (f"{', '.join(config.email.to)} via {config.email.host}:{config.email.port} ({config.email.tls})"
                 if channel == "email" else config.webhook.url)
        try:
            check_channel(config, channel)
            lines.append(f"{channel + ':':<10} {where}")
        except ConfigError as e:
            lines.append(f"{channel + ':':<10} {where}; cannot deliver yet: {e}")
    print("\n".join(lines))
    print(f"{path}: OK")
    return 0


def _add_report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text (default; coloured in a terminal), markdown, html (one self-contained page) or json "
                        "(docs/json-report.md)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--no-color", action="store_true", help="never colour the text output (also: NO_COLOR)")
    p.add_argument("--width", type=int, metavar="N", help="wrap text output at N columns (default: the terminal's)")
    p.add_argument("--context", type=int, metavar="N", help="words of context kept around each change (text output)")
    p.add_argument("--exit-code", action="store_true",
                   help="exit 1 when there is a material finding, 0 when there is none (as git diff --exit-code)")


ONE_DOCUMENT = ("a company of the config (its privacy policy), or another of its documents as COMPANY/TYPE "
                "(acme/cookies)")
WHEN = "a date (2024-05-01), a version id or hash prefix from `policymon history`, 'latest' or 'previous'"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("policymon")
    except PackageNotFoundError:
        return "(not installed: run from a source folder)"


class _VersionAction(argparse.Action):
    """--version, reading the installed version only when asked (importlib.metadata costs 15 ms)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"policymon {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policymon", description="Monitor privacy policies and say which changes matter.",
        epilog="Exit codes: 0 success; 1 an expected failure (one line on stderr), a material finding with "
               "--exit-code, or eval below --min-f1; 2 a usage error; 3 an internal error.")
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    parser.add_argument("--config", metavar="PATH",
                        help="config file (default: $POLICYMON_CONFIG, else the first of ./config.toml, "
                             "~/.config/policymon/config.toml, /etc/policymon/config.toml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("compare", help="compare two policy files (text, Markdown, HTML or PDF)",
                       description="Compare two policy files; no config or database needed.")
    p.add_argument("old", help="the older version: a text, Markdown, HTML or PDF file")
    p.add_argument("new", help="the newer version, in any of the same formats")
    _add_report_options(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("import", help="store a local file as a version of COMPANY")
    p.add_argument("company", help=ONE_DOCUMENT)
    p.add_argument("file", help="the policy as a text, Markdown, HTML or PDF file")
    p.add_argument("--at", metavar="DATE", help="capture date (ISO 8601, e.g. 2024-05-01); default now")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("diff", help="compare two stored versions of COMPANY (default: the latest two)")
    p.add_argument("company", help=ONE_DOCUMENT)
    p.add_argument("--from", dest="from_", metavar="WHEN", help=f"the older version: {WHEN}; default the one "
                                                                "before --to")
    p.add_argument("--to", metavar="WHEN", help=f"the newer version: {WHEN}; default 'latest'")
    _add_report_options(p)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("history", help="list every stored version of COMPANY with what changed")
    p.add_argument("company", help=ONE_DOCUMENT)
    p.add_argument("--format", choices=("text", "json", "html"), default="text",
                   help="text (default; with each version's id and hash), json, or html (a timeline)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE instead of stdout; with --format html each comparison's report is "
                        "written beside it, as FILE-OLDID-NEWID.html")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("check", help="fetch each company's policy now, store it and record what changed")
    p.add_argument("companies", nargs="*", metavar="COMPANY", help="companies to check (each of their documents) "
                                                                  "or documents (COMPANY/TYPE); default: all")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backfill", help="store COMPANY's past versions from the Wayback Machine")
    p.add_argument("company", help="a company of the config (each of its documents), or one document as COMPANY/TYPE")
    p.add_argument("--from", dest="from_", metavar="DATE", help="first capture date (YYYY, YYYY-MM or YYYY-MM-DD)")
    p.add_argument("--to", metavar="DATE", help="last capture date (YYYY, YYYY-MM or YYYY-MM-DD)")
    p.set_defaults(func=cmd_backfill)

    p = sub.add_parser("reextract", help="rebuild versions from stored snapshots after an extractor upgrade")
    p.add_argument("company", nargs="?", help="a company (each of its documents) or COMPANY/TYPE; default: every "
                                              "configured document")
    p.set_defaults(func=cmd_reextract)

    p = sub.add_parser("eval", help="score the classifier on a folder of labelled version pairs")
    p.add_argument("corpus", help="a folder with one sub-folder per pair (docs/eval-format.md)")
    p.add_argument("--min-f1", type=float, metavar="X", help="exit 1 when F1 is below X (e.g. 0.9)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("run", help="watch every company on its schedule and deliver alerts (the daemon)")
    p.add_argument("--log-format", choices=("text", "json"), default="text",
                   help="one line per event on stderr: text (default) or json for log collectors")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("import-declarations", help="add companies and documents from Open Terms Archive "
                                                   "service declarations to the config",
                       description="Read Open Terms Archive service declarations (a SERVICE.json file, or a "
                                   "declarations folder) and append the matching [companies.SLUG] and "
                                   "[companies.SLUG.documents.TYPE] tables to the config file, leaving what is "
                                   "there untouched. What policymon cannot honour (range selectors, filters, "
                                   "pages that need a browser, combined pages) is said on stderr and in the file.")
    p.add_argument("path", help="a declaration file or a folder of them")
    p.add_argument("--dry-run", action="store_true", help="print the tables instead of adding them")
    p.set_defaults(func=cmd_import_declarations)

    p = sub.add_parser("serve", help="serve a dashboard, timelines, alerts, Atom feeds, a JSON API, /healthz and "
                                     "/metrics from the database (read-only)",
                       description="A read-only web face on the database the daemon writes; it runs beside "
                                   "`policymon run`. Pages need no JavaScript and fetch nothing from elsewhere.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine "
                                                       "only; put a reverse proxy in front to share it)")
    p.add_argument("--port", type=int, default=8421, help="port to listen on (default 8421)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("status", help="each company's last check, next due time, failures and pending alerts")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("alerts", help="list alerts and the state of their e-mail and webhook deliveries")
    p.add_argument("--company", help="only this company's alerts (all its documents), or one document's "
                                     "(COMPANY/TYPE)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("deliver", help="send the alert deliveries that are due (retries included)")
    p.add_argument("--retry-failed", action="store_true", help="first give deliveries that gave up another round")
    p.set_defaults(func=cmd_deliver)

    p = sub.add_parser("notify-test", help="send a sample alert to check the e-mail or webhook set-up")
    p.add_argument("channel", nargs="?", choices=("email", "webhook"), help="email or webhook; default: every "
                                                                            "configured channel")
    p.set_defaults(func=cmd_notify_test)

    p = sub.add_parser("init", help="write a commented config file where policymon will find it",
                       description="Write a commented config.toml: every setting with its default, the "
                                   "companies with a bundled history and a live-only example.")
    p.add_argument("path", nargs="?", help="where to write it; default: --config, $POLICYMON_CONFIG, else "
                                           "~/.config/policymon/config.toml")
    p.add_argument("--data-dir", metavar="DIR", help="keep the database and snapshots in DIR (written as absolute "
                                                     "[storage] paths); default: the user data directory")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("config", help="check the config file and say where the config, database and snapshots are")
    config_sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = config_sub.add_parser("check", help="validate the config as `policymon run` does at start-up and show "
                                            "where everything is")
    c.set_defaults(func=cmd_config_check)

    return parser


def main(argv: list[str] | None = None) -> int:
    from .cache import load_patterns, save_patterns
    load_patterns()                     # before the command imports the modules that compile them
    try:
        return _run(argv)
    finally:
        save_patterns()


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PolicymonError as e:
        print(f"policymon: {e}", file=sys.stderr)
        return EXPECTED_FAILURE
    except KeyboardInterrupt:
        print("policymon: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:      # a bug, not bad input: still one line, with a way to see more
        sqlite3 = sys.modules.get("sqlite3")    # imported by the commands that open the store
        if sqlite3 is not None and isinstance(e, sqlite3.Error):
            # a fault met after opening (a disk that filled up meanwhile, say)
            from .store import database_problem
            print(f"policymon: {database_problem(e)}", file=sys.stderr)
            return 1
        if os.environ.get("POLICYMON_DEBUG"):
            raise
        print(f"policymon: internal error: {type(e).__name__}: {e} (please report it; set POLICYMON_DEBUG=1 "
              f"for the traceback)", file=sys.stderr)
        return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
