"""The web application: routes over a read-only view of the store.

Starlette runs the plain (synchronous) handlers below on its thread pool; each thread keeps
its own read-only SQLite connection (connections are never shared across threads), which reads
a consistent snapshot while the daemon writes (WAL). The config file is re-read when it changes,
as the daemon does, so a company added there shows up without a restart.
"""
from __future__ import annotations

import sqlite3
import threading
from functools import lru_cache, wraps
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..alerts import list_alerts
from ..alerts.listing import alert_json
from ..compare import compare_versions
from ..config import Config, load_config
from ..daemon.lock import daemon_pid
from ..daemon.status import company_status, render_status
from ..errors import NotFound, PolicymonError
from ..history import history_rows
from ..model import CATEGORIES, SEVERITIES, Version, split_document
from ..report import render, render_history
from ..report.html import CSP
from ..report.timeline import history_json
from ..store import database_problem, open_db, versions_by_id
from . import pages
from .feeds import atom_feed
from .metrics import CONTENT_TYPE, metrics_text
from .openapi import openapi
from .read import SORTS, Filters, age_seconds, dashboard_rows, material_changes

FEED_ENTRIES = 100          # newest material changes in a feed
ALERTS_SHOWN = 500          # newest alerts on the alerts page and in /api/alerts
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


class Store:
    """The config (re-read when its file changes) and one read-only connection per thread."""

    def __init__(self, config: Config):
        self._config = config
        self._stamp = self._mtime(config.path)
        self._local = threading.local()
        self._lock = threading.Lock()

    @staticmethod
    def _mtime(path: Path):
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return None

    def config(self) -> Config:
        stamp = self._mtime(self._config.path)
        if stamp != self._stamp:
            with self._lock:
                try:
                    fresh = load_config(self._config.path)
                    if fresh.database == self._config.database:
                        self._config = fresh
                except PolicymonError:
                    pass          # a half-saved or invalid file: keep serving the last good config
                self._stamp = stamp
        return self._config

    def db(self):
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_db(self._config.database, readonly=True)
        return db

    def forget(self) -> None:
        """Drop this thread's connection after an error, so the next request opens a fresh one."""
        db = getattr(self._local, "db", None)
        self._local.db = None
        if db is not None:
            db.conn.close()


def _filters(request: Request) -> Filters:
    category = request.query_params.get("category") or None
    severity = request.query_params.get("severity") or None
    if category is not None and category not in CATEGORIES:
        raise HTTPException(400, f"unknown category {category!r}; use one of {', '.join(CATEGORIES)}")
    if severity is not None and severity not in SEVERITIES:
        raise HTTPException(400, f"unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}")
    return Filters(category, severity)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def create_app(config: Config) -> Starlette:
    store = Store(config)

    def document(request: Request) -> str:
        """The document key the path names (/companies/acme/cookies), or 404."""
        company, doctype = request.path_params["company"], request.path_params.get("doctype", "privacy")
        try:
            return store.config().document(f"{company}/{doctype}").key
        except NotFound as e:
            raise HTTPException(404, str(e)) from None

    def versions_of(request: Request, key: str) -> tuple[Version, Version]:
        """The two versions OLD-NEW in the path, both of document `key`, or 404."""
        pair = request.path_params["pair"]
        old_id, _, new_id = pair.partition("-")
        if not (old_id.isdigit() and new_id.isdigit()):
            raise HTTPException(404, f"{pair!r} is not OLD-NEW, two version ids")
        found = versions_by_id(store.db(), key, [int(old_id), int(new_id)])
        if int(old_id) not in found or int(new_id) not in found:
            raise HTTPException(404, f"{key} has no versions {old_id} and {new_id}; see its timeline")
        return found[int(old_id)], found[int(new_id)]

    @lru_cache(maxsize=32)
    def comparison(old: Version, new: Version, key: str):
        return compare_versions(old, new, company=key)

    # -- pages ----------------------------------------------------------------------------

    def dashboard(request: Request):
        filters = _filters(request)
        sort = request.query_params.get("sort") or "change"
        if sort not in SORTS:
            raise HTTPException(400, f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        config = store.config()
        rows = dashboard_rows(config, store.db(), filters, sort)
        pid = daemon_pid(config.database)
        daemon = "daemon not running" if pid is None else f"daemon running (PID {pid or 'unknown'})"
        return HTMLResponse(pages.dashboard_html(rows, filters, sort, len(config.documents), daemon))

    def company_page(request: Request):
        config = store.config()
        try:
            keys = config.company(request.path_params["company"]).documents
        except NotFound as e:
            raise HTTPException(404, str(e)) from None
        return timeline(request, keys[0])

    def document_page(request: Request):
        return timeline(request, document(request))

    def timeline(request: Request, key: str):
        documents = store.config().companies[split_document(key)[0]].documents
        rows = history_rows(store.db(), key, lambda old, new: pages.comparison_path(key, old.id, new.id))
        return HTMLResponse(render_history(key, rows, "html", nav=pages.document_nav(key, list(documents))))

    def comparison_page(request: Request):
        key = document(request)
        old, new = versions_of(request, key)
        documents = store.config().companies[split_document(key)[0]].documents
        return HTMLResponse(render(comparison(old, new, key), "html", nav=pages.document_nav(key, list(documents))))

    def alerts_page(request: Request):
        company = request.query_params.get("company") or None
        alerts = list_alerts(store.db(), company, limit=ALERTS_SHOWN)
        return HTMLResponse(pages.alerts_html(alerts, company, ALERTS_SHOWN))

    # -- feeds ----------------------------------------------------------------------------

    def feed(request: Request):
        config = store.config()
        company = request.path_params.get("company")
        if company is None:
            keys, title, alternate = None, "policymon: material changes", "/"
        elif "doctype" in request.path_params:
            key = document(request)
            keys, title, alternate = [key], f"policymon: material changes to {key}", pages.document_path(key)
        else:
            try:
                keys = list(config.company(company).documents)
            except NotFound as e:
                raise HTTPException(404, str(e)) from None
            title, alternate = f"policymon: material changes at {company}", pages.document_path(keys[0])
        changes = material_changes(store.db(), keys, _filters(request), limit=FEED_ENTRIES)
        body = atom_feed(title, _base(request), request.url.path, alternate, changes)
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    # -- API --------------------------------------------------------------------------------

    def api_status(request: Request):
        """Each document's last check, outcome, next due time, failures and deliveries (as `policymon status --format json`)."""
        config = store.config()
        return Response(render_status(company_status(config, store.db()), daemon_pid(config.database), "json"),
                        media_type="application/json")

    def api_companies(request: Request):
        """The configured companies and their documents, with where to read each."""
        config = store.config()
        return JSONResponse([{"company": slug, "name": c.name, "documents": [
            {"document": config.documents[k].doctype, "key": k, "url": config.documents[k].url,
             "versions": f"/api/documents/{pages.document_path(k).removeprefix('/companies/')}/versions",
             "page": pages.document_path(k), "feed": pages.feed_path(k)} for k in c.documents]}
            for slug, c in config.companies.items()])

    def api_versions(request: Request):
        """A document's versions, oldest first, with what changed (as `policymon history --format json`)."""
        key = document(request)
        rows = history_rows(store.db(), key, lambda old, new: "/api" + pages.comparison_path(key, old.id, new.id)
                            .replace("/companies/", "/documents/", 1).replace("/compare/", "/comparisons/"))
        return JSONResponse(history_json(key, rows))

    def api_comparison(request: Request):
        """The JSON report of two versions of a document (docs/json-report.md), as `policymon diff --format json`."""
        key = document(request)
        old, new = versions_of(request, key)
        return Response(render(comparison(old, new, key), "json"), media_type="application/json")

    def api_alerts(request: Request):
        """Alerts, newest first, with their deliveries (as `policymon alerts --format json`)."""
        company = request.query_params.get("company") or None
        return JSONResponse([alert_json(a) for a in list_alerts(store.db(), company, limit=ALERTS_SHOWN)])

    def api_openapi(request: Request):
        return JSONResponse(openapi(API))

    # -- operations -------------------------------------------------------------------------

    def healthz(request: Request):
        """Healthy while the database can be read; says whether the daemon runs and how long ago
        a check last succeeded. A fresh connection each time: a cached one would go on reading a
        file that was replaced or broke underneath it."""
        config = store.config()
        pid = daemon_pid(config.database)
        doc = {"status": "ok", "database": str(config.database), "daemon": {"running": pid is not None,
                                                                            "pid": pid or None}}
        try:
            db = open_db(config.database, readonly=True)
            try:
                last = db.execute("SELECT max(last_success_at) FROM companies").fetchone()[0]
            finally:
                db.conn.close()
        except Exception as e:        # any failure to read is the answer, not a crash
            doc.update(status="unhealthy", error=str(e))
            return JSONResponse(doc, status_code=503)
        doc["last_success_at"], doc["last_success_age_seconds"] = last, age_seconds(last)
        return JSONResponse(doc)

    def metrics(request: Request):
        return Response(metrics_text(store.config, store.db), media_type=CONTENT_TYPE)

    # -- errors -----------------------------------------------------------------------------

    def problem(request: Request, exc: HTTPException):
        status, message = exc.status_code, exc.detail
        if request.url.path.startswith(("/api/", "/healthz", "/metrics", "/feeds/")):
            return JSONResponse({"error": message}, status_code=status)
        return HTMLResponse(pages.problem_html(status, message), status_code=status)

    def reading(handler):
        """A store that cannot be read answers 503 with the reason, and the thread's connection
        is dropped so the next request opens a fresh one."""
        @wraps(handler)
        def run(request: Request):
            try:
                return handler(request)
            except (sqlite3.Error, PolicymonError) as e:
                store.forget()
                message = str(e) if isinstance(e, PolicymonError) else database_problem(e, store.config().database)
                raise HTTPException(503, message) from None
        return run

    API = [
        Route("/api/status", api_status),
        Route("/api/companies", api_companies),
        Route("/api/documents/{company}/{doctype}/versions", api_versions),
        Route("/api/documents/{company}/{doctype}/comparisons/{pair}", api_comparison),
        Route("/api/alerts", api_alerts),
    ]
    routes = [
        Route("/", dashboard),
        Route("/alerts", alerts_page),
        Route("/companies/{company}", company_page),
        Route("/companies/{company}/{doctype}", document_page),
        Route("/companies/{company}/{doctype}/compare/{pair}", comparison_page),
        Route("/feeds/all.atom", feed),
        Route("/feeds/{company}.atom", feed),
        Route("/feeds/{company}/{doctype}.atom", feed),
        *API,
        Route("/api/openapi.json", api_openapi),
        Route("/healthz", healthz),
        Route("/metrics", metrics),
    ]
    routes = [Route(r.path, reading(r.endpoint)) if r.path != "/healthz" else r for r in routes]
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], exception_handlers={HTTPException: problem})


class SecurityHeaders:
    """Every answer carries the report's Content-Security-Policy and its companions."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
            await send(message)

        await self.app(scope, receive, with_headers)
