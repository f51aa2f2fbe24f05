"""config.toml → typed settings. Every problem is a ConfigError naming the key (and line)."""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError

DEFAULT_PATH = "config.toml"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)?\s*$", re.I)
_UNIT_SECONDS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value, key: str) -> float:
    """'6h', '30m', '45s', '7d', '1w' or a number of seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    m = _DURATION.match(str(value)) if isinstance(value, str) else None
    if not m or float(m.group(1)) <= 0:
        raise ConfigError(f"config: {key} = {value!r} is not a duration; write e.g. \"6h\", \"30m\", \"45s\" or \"7d\"")
    return float(m.group(1)) * _UNIT_SECONDS[(m.group(2) or "").lower() or None]


@dataclass(frozen=True)
class CompanyConfig:
    slug: str
    url: str
    selector: str | None = None
    interval: float | None = None   # seconds; None → [schedule] interval
    cron: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class EmailConfig:
    host: str = "localhost"
    port: int = 25
    sender: str = "policymon@localhost"
    to: tuple[str, ...] = ()
    username: str | None = None
    password_env: str | None = None
    tls: str = "none"               # none | starttls | ssl
    timeout: float = 30.0
    allow_plaintext_auth: bool = False  # send the password over a connection without TLS

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    secret_env: str | None = None
    timeout: float = 10.0

    @property
    def secret(self) -> str | None:
        return os.environ.get(self.secret_env) if self.secret_env else None


@dataclass(frozen=True)
class Config:
    path: Path
    database: Path
    snapshots: Path
    wayback_endpoint: str = "https://web.archive.org"
    wayback_refresh: float = 7 * 86400
    wayback_cdx_per_minute: int = 30
    interval: float = 6 * 3600
    workers: int = 4
    host_gap: float = 1.0
    deliver_every: float = 10.0     # seconds between the daemon's rounds over the outbox
    user_agent: str = "policymon/0.1 (+https://github.com/policymon/policymon)"
    fetch_timeout: float = 30.0
    max_page_bytes: int = 10 * 1024 * 1024
    redirect_hosts: tuple[str, ...] = ()   # hosts a policy URL may redirect to besides its own site
    min_severity: str = "medium"
    max_failures: int = 3
    max_attempts: int = 8
    digest_threshold: int = 5
    email: EmailConfig | None = None
    webhook: WebhookConfig | None = None
    companies: dict[str, CompanyConfig] = field(default_factory=dict)

    def company(self, slug: str) -> CompanyConfig:
        from .errors import NotFound
        try:
            return self.companies[slug]
        except KeyError:
            known = ", ".join(sorted(self.companies)) or "none"
            raise NotFound(f"unknown company {slug!r}; add [companies.{slug}] to {self.path.name} "
                           f"(configured: {known})") from None


def _table(raw: dict, key: str) -> dict:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"config: [{key}] must be a table, not {type(value).__name__}")
    return value


def _get(table: dict, name: str, kind, default, key: str):
    value = table.get(name, default)
    if value is default:
        return value
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        want = " or ".join(k.__name__ for k in kinds)
        raise ConfigError(f"config: {key}.{name} must be {want}, got {value!r}")
    return value


def _hosts(values: list) -> tuple[str, ...]:
    """[fetch] redirect_hosts: bare host names ('legal.acme-group.com'); each covers its subdomains."""
    for v in values:
        if not isinstance(v, str) or not re.fullmatch(r"[A-Za-z0-9.-]+", v) or "." not in v.strip("."):
            raise ConfigError(f"config: fetch.redirect_hosts entry {v!r} is not a host name; write e.g. "
                              f"redirect_hosts = [\"legal.example.com\"]")
    return tuple(v.lower().strip(".") for v in values)


def _resolve(base: Path, value: str) -> Path:
    p = Path(os.path.expanduser(value))
    return p if p.is_absolute() else (base / p)


def config_path(explicit: str | None = None) -> Path:
    return Path(explicit or os.environ.get("POLICYMON_CONFIG") or DEFAULT_PATH)


def load_config(path: str | Path | None = None) -> Config:
    path = config_path(str(path) if path else None)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found; create it (see config.toml in the policymon "
                          f"repository) or pass --config PATH") from None
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from None
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}; fix that line") from None
    return parse_config(raw, path)


def parse_config(raw: dict, path: Path) -> Config:
    base = path.resolve().parent
    storage = _table(raw, "storage")
    wayback = _table(raw, "wayback")
    schedule = _table(raw, "schedule")
    fetch = _table(raw, "fetch")
    alerts = _table(raw, "alerts")

    min_sev = _get(alerts, "min_severity", str, "medium", "alerts")
    if min_sev not in ("high", "medium", "low"):
        raise ConfigError(f"config: alerts.min_severity = {min_sev!r}; use \"high\", \"medium\" or \"low\"")

    email = None
    if "email" in raw:
        e = _table(raw, "email")
        to = _get(e, "to", (list, str), [], "email")
        to = [to] if isinstance(to, str) else to
        if not to or not all(isinstance(x, str) and "@" in x for x in to):
            raise ConfigError("config: email.to must list at least one address, e.g. to = [\"privacy@example.com\"]")
        tls = _get(e, "tls", str, "none", "email")
        if _get(e, "starttls", bool, False, "email"):
            tls = "starttls"
        if _get(e, "ssl", bool, False, "email"):
            tls = "ssl"
        if tls not in ("none", "starttls", "ssl"):
            raise ConfigError(f"config: email.tls = {tls!r}; use \"none\", \"starttls\" or \"ssl\"")
        if "password" in e:
            raise ConfigError("config: email.password must not be in the file; set password_env to the name "
                              "of an environment variable holding it")
        email = EmailConfig(
            host=_get(e, "host", str, "localhost", "email"),
            port=_get(e, "port", int, 25, "email"),
            sender=_get(e, "from", str, "policymon@localhost", "email"),
            to=tuple(to),
            username=_get(e, "username", str, None, "email"),
            password_env=_get(e, "password_env", str, None, "email"),
            tls=tls,
            timeout=float(_get(e, "timeout", (int, float), 30.0, "email")),
            allow_plaintext_auth=_get(e, "allow_plaintext_auth", bool, False, "email"),
        )

    webhook = None
    if "webhook" in raw:
        w = _table(raw, "webhook")
        url = _get(w, "url", str, None, "webhook")
        if not url or not re.match(r"^https?://", url):
            raise ConfigError("config: webhook.url must be an http(s) URL")
        if "secret" in w:
            raise ConfigError("config: webhook.secret must not be in the file; set secret_env to the name "
                              "of an environment variable holding it")
        webhook = WebhookConfig(url=url, secret_env=_get(w, "secret_env", str, None, "webhook"),
                                timeout=float(_get(w, "timeout", (int, float), 10.0, "webhook")))

    companies: dict[str, CompanyConfig] = {}
    for slug, c in _table(raw, "companies").items():
        key = f"companies.{slug}"
        if not _SLUG.match(slug):
            raise ConfigError(f"config: [{key}] — a company slug uses lowercase letters, digits, '-' or '_'")
        if not isinstance(c, dict):
            raise ConfigError(f"config: [{key}] must be a table with a url")
        if "urls" in c:
            raise ConfigError(f"config: {key}.urls — a company has one policy url; watch another document "
                              f"as its own company, e.g. [companies.{slug}-cookies]")
        url = c.get("url")
        if not isinstance(url, str) or not re.match(r"^https?://", url):
            raise ConfigError(f"config: {key}.url must be an http(s) URL, e.g. url = \"https://example.com/privacy\"")
        interval = c.get("interval")
        companies[slug] = CompanyConfig(
            slug=slug, url=url,
            selector=_get(c, "selector", str, None, key),
            interval=parse_duration(interval, f"{key}.interval") if interval is not None else None,
            cron=_get(c, "cron", str, None, key),
            name=_get(c, "name", str, None, key),
        )

    return Config(
        path=path,
        database=_resolve(base, _get(storage, "database", str, "policymon.db", "storage")),
        snapshots=_resolve(base, _get(storage, "snapshots", str, "snapshots", "storage")),
        wayback_endpoint=_get(wayback, "endpoint", str, "https://web.archive.org", "wayback").rstrip("/"),
        wayback_refresh=parse_duration(wayback.get("refresh", "7d"), "wayback.refresh"),
        wayback_cdx_per_minute=_get(wayback, "cdx_per_minute", int, 30, "wayback"),
        interval=parse_duration(schedule.get("interval", "6h"), "schedule.interval"),
        workers=_get(schedule, "workers", int, 4, "schedule"),
        host_gap=parse_duration(schedule.get("host_gap", 1), "schedule.host_gap"),
        deliver_every=parse_duration(schedule.get("deliver_every", 10), "schedule.deliver_every"),
        user_agent=_get(fetch, "user_agent", str, Config.user_agent, "fetch"),
        fetch_timeout=parse_duration(fetch.get("timeout", 30), "fetch.timeout"),
        max_page_bytes=_get(fetch, "max_bytes", int, 10 * 1024 * 1024, "fetch"),
        redirect_hosts=_hosts(_get(fetch, "redirect_hosts", list, [], "fetch")),
        min_severity=min_sev,
        max_failures=_get(alerts, "max_failures", int, 3, "alerts"),
        max_attempts=_get(alerts, "max_attempts", int, 8, "alerts"),
        digest_threshold=_get(alerts, "digest_threshold", int, 5, "alerts"),
        email=email,
        webhook=webhook,
        companies=companies,
    )
