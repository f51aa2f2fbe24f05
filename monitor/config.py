"""config.toml → typed settings, checked against one table of keys.

`KEYS` is the single source of truth for every setting: its type, range, default and help.
Loading validates against it (a wrong type, a value out of range, an unknown key or table is one
line naming the key and the fix, with a "did you mean" for a misspelling), and `policymon init`
writes its commented file from it, so the two cannot drift apart. To add a setting, add a Key
and the field it fills.

Where things are: the config file is the first of --config, $POLICYMON_CONFIG, ./config.toml,
the user config directory, /etc/policymon/config.toml; the database and snapshots default to
the user data directory (platformdirs), never to the folder the command runs in.
"""
from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .cron import cron_trigger
from .errors import ConfigError, NotFound
from .model import PRIVACY, document_key, split_document

APP = "policymon"
CONFIG_NAME = "config.toml"
DEFAULT_PATH = CONFIG_NAME          # ./config.toml, as found from the current folder
SYSTEM_CONFIG = Path("/etc/policymon") / CONFIG_NAME
DEFAULT_USER_AGENT = "policymon/0.1 (+https://github.com/policymon/policymon)"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_URL = re.compile(r"^https?://[^\s/]+", re.I)
_HOST = re.compile(r"[A-Za-z0-9.-]+")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)?\s*$", re.I)
_UNIT_SECONDS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


# -- where things are ----------------------------------------------------------------------

def data_dir() -> Path:
    """The user's data directory (~/.local/share/policymon on Linux, $XDG_DATA_HOME respected)."""
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def user_config_path() -> Path:
    """~/.config/policymon/config.toml on Linux ($XDG_CONFIG_HOME respected)."""
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / CONFIG_NAME


def search_path() -> list[tuple[Path, str]]:
    """The places a config file is looked for when neither --config nor $POLICYMON_CONFIG names one."""
    return [(Path(CONFIG_NAME), "./config.toml"), (user_config_path(), "the user config directory"),
            (SYSTEM_CONFIG, "the system config directory")]


def find_config(explicit: str | Path | None = None) -> tuple[Path, str]:
    """(path, how it was found): --config, then $POLICYMON_CONFIG, then the first existing file of
    search_path(). Raises ConfigError naming every place looked at when there is none."""
    if explicit:
        return Path(explicit), "--config"
    if os.environ.get("POLICYMON_CONFIG"):
        return Path(os.environ["POLICYMON_CONFIG"]), "$POLICYMON_CONFIG"
    for path, how in search_path():
        try:
            if path.is_file():
                return path, how
        except OSError:         # e.g. a working folder the user may not read: not a config here
            continue
    looked = ", ".join(str(p) if p.is_absolute() else f"./{p}" for p, _ in search_path())
    raise ConfigError(f"no config file found (looked for {looked}); run `policymon init` to write one, "
                      f"or pass --config PATH")


# -- values --------------------------------------------------------------------------------

def parse_duration(value, key: str) -> float:
    """'6h', '30m', '45s', '7d', '1w' or a number of seconds; 0 is allowed (ranges are the key's)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    m = _DURATION.match(value) if isinstance(value, str) else None
    if not m:
        raise ConfigError(f"{key} = {_toml(value)} is not a duration; write e.g. \"6h\", \"30m\", \"45s\" or \"7d\"")
    return float(m.group(1)) * _UNIT_SECONDS[(m.group(2) or "").lower() or None]


def _seconds_text(seconds: float) -> str:
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def _toml(value) -> str:
    """A value as it is written in config.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


@dataclass(frozen=True)
class Key:
    """One setting: where it lives, what it accepts, its default and what it is for."""
    table: str                      # "schedule", or "companies.*" for every company's table
    name: str
    kind: str                       # str | int | bool | duration | url | path | env | addresses | hosts | choice | cron
    default: object = None          # None: unset unless given (optional, or `required`)
    help: str = ""
    attr: str | None = None         # the field it fills; default: name
    minimum: float | None = None    # ints and durations (seconds)
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = False
    example: object = None          # shown by `policymon init` where there is no default

    @property
    def field(self) -> str:
        return self.attr or self.name

    def where(self, table: str | None = None) -> str:
        return f"{table or self.table}.{self.name}"

    def shown(self):
        """What `policymon init` writes (commented out) and error messages suggest: the example
        where there is one (tls = "starttls" rather than the default "none"), else the default."""
        return self.example if self.example is not None else self.default

    def range_text(self) -> str:
        fmt = _seconds_text if self.kind == "duration" else lambda n: f"{n:g}"
        if self.choices:
            return " | ".join(self.choices)
        if self.minimum is not None and self.maximum is not None:
            return f"{fmt(self.minimum)} to {fmt(self.maximum)}"
        if self.minimum is not None:
            return f"at least {fmt(self.minimum)}"
        return ""

    def parse(self, value, where: str):
        """The typed value, or ConfigError naming `where` and the fix."""
        fix = f"; e.g. {self.name} = {_toml(self.shown())}" if self.shown() is not None else ""
        kinds = {"int": (int,), "bool": (bool,), "addresses": (list, str), "hosts": (list,)}.get(self.kind, (str,))
        if self.kind == "duration":
            value = parse_duration(value, where)
        elif isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            want = {"int": "a whole number", "bool": "true or false", "addresses": "a list of addresses",
                    "hosts": "a list of host names"}.get(self.kind, "a string")
            raise ConfigError(f"{where} = {_toml(value)} must be {want}{fix}")
        if self.kind in ("int", "duration"):
            low = self.minimum is not None and value < self.minimum
            if low or self.maximum is not None and value > self.maximum:
                raise ConfigError(f"{where} = {_toml(value) if self.kind == 'int' else _seconds_text(value)} is "
                                  f"too {'small' if low else 'large'}: use {self.range_text()}{fix}")
        elif self.kind == "choice" and value not in self.choices:
            raise ConfigError(f"{where} = {_toml(value)}: use {' or '.join(_toml(c) for c in self.choices)}")
        elif self.kind == "url" and not _URL.match(value):
            raise ConfigError(f"{where} = {_toml(value)} must be an http(s) URL{fix}")
        elif self.kind == "env" and not _ENV_NAME.match(value):     # the value may be the secret: not echoed
            raise ConfigError(f"{where} must be the name of an environment variable (letters, digits, _), "
                              f"not the secret itself{fix}")
        elif self.kind == "addresses":
            value = (value,) if isinstance(value, str) else tuple(value)
            if not value or not all(isinstance(a, str) and "@" in a for a in value):
                raise ConfigError(f"{where} must list at least one e-mail address{fix}")
        elif self.kind == "hosts":
            for host in value:
                if not isinstance(host, str) or not _HOST.fullmatch(host) or "." not in host.strip("."):
                    raise ConfigError(f"{where} entry {_toml(host)} is not a host name{fix}")
            value = tuple(h.lower().strip(".") for h in value)
        elif self.kind == "cron":
            cron_trigger(value, where)
        elif self.kind in ("str", "path") and not value.strip():
            raise ConfigError(f"{where} is empty; remove the line{fix.replace('; e.g.', ' or write e.g.')}")
        return value


_STORAGE_DEFAULT = "in the data directory"
DOCUMENTS = "companies.*.documents.*"       # the table of one of a company's other documents

KEYS: tuple[Key, ...] = (
    Key("storage", "database", "path", help=f"SQLite database (WAL), created on first use; default: policymon.db "
        f"{_STORAGE_DEFAULT}", example="/var/lib/policymon/policymon.db"),
    Key("storage", "snapshots", "path", help=f"raw snapshots, content-addressed; default: snapshots/ {_STORAGE_DEFAULT}",
        example="/var/lib/policymon/snapshots"),

    Key("wayback", "enabled", "bool", True, "ask the Internet Archive's Wayback Machine for past versions "
        "(per company: wayback = false)", attr="wayback_enabled"),
    Key("wayback", "endpoint", "url", "https://web.archive.org", "CDX at {endpoint}/cdx/search/cdx, captures at "
        "{endpoint}/web/{timestamp}id_/{url}", attr="wayback_endpoint"),
    Key("wayback", "refresh", "duration", "7d", "how often the daemon asks the Archive for new captures",
        attr="wayback_refresh", minimum=60),
    Key("wayback", "cdx_per_minute", "int", 30, "CDX requests a minute; the Archive's published limit is 30",
        attr="wayback_cdx_per_minute", minimum=1),

    Key("schedule", "interval", "duration", "6h", "default check interval; per company: interval = \"1d\" or "
        "cron = \"0 6 * * *\"", minimum=1),
    Key("schedule", "workers", "int", 4, "checks running at once", minimum=1, maximum=64),
    Key("schedule", "host_gap", "duration", "2s", "minimum gap between two requests to the same host", minimum=0),
    Key("schedule", "deliver_every", "duration", "10s", "how often the daemon retries deliveries that are due",
        minimum=1),

    Key("fetch", "timeout", "duration", "30s", "give up on a page after this long", attr="fetch_timeout",
        minimum=0.1, maximum=3600),
    Key("fetch", "max_bytes", "int", 10 * 1024 * 1024, "refuse pages larger than this many bytes (10 MiB)",
        attr="max_page_bytes", minimum=1024),
    Key("fetch", "user_agent", "str", DEFAULT_USER_AGENT, "sent with every request; say how to reach you"),
    Key("fetch", "redirect_hosts", "hosts", (), "hosts a policy URL may also redirect to, besides its own site "
        "and subdomains", example=["legal.example-group.com"]),

    Key("alerts", "min_severity", "choice", "medium", "alert on material findings at or above this severity",
        choices=("high", "medium", "low")),
    Key("alerts", "max_failures", "int", 3, "alert when a company's fetch fails this many times in a row",
        minimum=1),
    Key("alerts", "max_attempts", "int", 8, "delivery attempts before a delivery is marked failed", minimum=1),
    Key("alerts", "digest_threshold", "int", 5, "more alerting companies than this in one round become one "
        "digest e-mail", minimum=0),

    Key("email", "host", "str", "localhost", "SMTP server"),
    Key("email", "port", "int", 25, "SMTP port (25, 587 for starttls, 465 for ssl)", minimum=1, maximum=65535,
        example=587),
    Key("email", "from", "str", "policymon@localhost", "sender address", attr="sender"),
    Key("email", "to", "addresses", help="recipients", required=True, example=["privacy@example.com"]),
    Key("email", "tls", "choice", "none", "connection security; none only for a local relay without a login",
        choices=("none", "starttls", "ssl"), example="starttls"),
    Key("email", "username", "str", help="SMTP login, with password_env", example="policymon"),
    Key("email", "password_env", "env", help="environment variable holding the SMTP password",
        example="POLICYMON_SMTP_PASSWORD"),
    Key("email", "allow_plaintext_auth", "bool", False, "true sends the password over a connection without TLS "
        "(tls = \"none\"): avoid"),
    Key("email", "timeout", "duration", "30s", "give up on the SMTP server after this long", minimum=0.1, maximum=3600),

    Key("webhook", "url", "url", help="receiver; a Slack incoming-webhook URL works too", required=True,
        example="https://hooks.example.com/policymon"),
    Key("webhook", "secret_env", "env", help="environment variable holding the signing secret; the body is "
        "signed: X-Policymon-Signature: sha256=<hex HMAC>", example="POLICYMON_WEBHOOK_SECRET"),
    Key("webhook", "timeout", "duration", "10s", "give up on the receiver after this long", minimum=0.1, maximum=3600),

    Key("companies.*", "url", "url", help="the privacy policy page (or list the company's documents instead)",
        example="https://acme.example/privacy"),
    Key("companies.*", "name", "str", help="the company's name in reports", example="Acme Inc."),
    Key("companies.*", "selector", "str", help="CSS selector for the policy's text", example="main"),
    Key("companies.*", "remove", "str", help="CSS selector of parts of the page to drop before reading it "
        "(menus, a table of contents)", example="nav, .toc"),
    Key("companies.*", "interval", "duration", help="check interval; default [schedule] interval; also the "
        "default of its documents", minimum=1, example="1d"),
    Key("companies.*", "cron", "cron", help="check at these times instead (crontab, local time)",
        example="0 6 * * *"),
    Key("companies.*", "wayback", "bool", True, "false: never ask the Wayback Machine for this company",
        example=False),

    Key(DOCUMENTS, "url", "url", help="the document's page", required=True, example="https://acme.example/cookies"),
    Key(DOCUMENTS, "selector", "str", help="CSS selector for the document's text", example="#content"),
    Key(DOCUMENTS, "remove", "str", help="CSS selector of parts of the page to drop", example=".cookie-table"),
    Key(DOCUMENTS, "interval", "duration", help="check interval; default the company's", minimum=1,
        example="7d"),
    Key(DOCUMENTS, "cron", "cron", help="check at these times instead", example="0 7 * * 1"),
    Key(DOCUMENTS, "wayback", "bool", True, "false: never ask the Wayback Machine for this document; default "
        "the company's", example=False),
)

TABLES = {
    "storage": "Where policymon keeps what it fetches.",
    "wayback": "The Internet Archive's Wayback Machine, for past versions (`policymon backfill`).",
    "schedule": "The daemon's timing (`policymon run`).",
    "fetch": "Fetching live pages.",
    "alerts": "When a change or a failing company becomes an alert.",
    "email": "Deliver alerts by e-mail: uncomment the table and set at least `to`.",
    "webhook": "Deliver alerts to a webhook: uncomment the table and set `url`.",
    "companies": "Companies: [companies.SLUG], SLUG in lowercase letters, digits, '-' or '_'.",
}
OPTIONAL_TABLES = ("email", "webhook")     # present means enabled
SETTINGS_TABLES = tuple(t for t in TABLES if t not in OPTIONAL_TABLES and t != "companies")   # fields of Config

# Keys that are refused with their own explanation rather than "unknown key".
REFUSED = {
    "email.password": "must not be in the file; set password_env to the name of an environment variable "
                      "holding it",
    "webhook.secret": "must not be in the file; set secret_env to the name of an environment variable "
                      "holding it",
    "email.starttls": "is written tls = \"starttls\"",
    "email.ssl": "is written tls = \"ssl\"",
    "companies.*.urls": "— a company has one privacy policy url; list its other documents as "
                        "[companies.{slug}.documents.cookies] with their own url",
}


def keys_of(table: str) -> dict[str, Key]:
    return {k.name: k for k in KEYS if k.table == table}


# -- settings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentConfig:
    """One watched page of a company: its privacy policy (`[companies.acme] url`, key `acme`) or
    another document (`[companies.acme.documents.cookies]`, key `acme/cookies`). Each is checked,
    versioned, compared and alerted on its own, under its key."""
    key: str
    company: str
    doctype: str
    url: str
    name: str | None                # the company's name
    selector: str | None
    remove: str | None              # CSS selector of parts dropped before reading
    interval: float | None          # seconds; None → [schedule] interval
    cron: str | None
    wayback: bool


@dataclass(frozen=True)
class CompanyConfig:
    slug: str
    name: str | None
    documents: tuple[str, ...]      # keys of its documents, its privacy policy first


@dataclass(frozen=True)
class EmailConfig:
    host: str
    port: int
    sender: str
    to: tuple[str, ...]
    tls: str                        # none | starttls | ssl
    username: str | None
    password_env: str | None
    allow_plaintext_auth: bool      # send the password over a connection without TLS
    timeout: float

    @property
    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    secret_env: str | None
    timeout: float

    @property
    def secret(self) -> str | None:
        return os.environ.get(self.secret_env) if self.secret_env else None


@dataclass(frozen=True)
class Config:
    path: Path
    database: Path
    snapshots: Path
    wayback_enabled: bool
    wayback_endpoint: str
    wayback_refresh: float
    wayback_cdx_per_minute: int
    interval: float
    workers: int
    host_gap: float
    deliver_every: float        # seconds between the daemon's rounds over the outbox
    fetch_timeout: float
    max_page_bytes: int
    user_agent: str
    redirect_hosts: tuple[str, ...]     # hosts a policy URL may redirect to besides its own site
    min_severity: str
    max_failures: int
    max_attempts: int
    digest_threshold: int
    email: EmailConfig | None
    webhook: WebhookConfig | None
    companies: dict[str, CompanyConfig]
    documents: dict[str, DocumentConfig]       # by key, each company's in config order

    def company(self, slug: str) -> CompanyConfig:
        try:
            return self.companies[slug]
        except KeyError:
            known = ", ".join(sorted(self.companies)) or "none"
            raise NotFound(f"unknown company {slug!r}; add [companies.{slug}] to {self.path} "
                           f"(configured: {known})") from None

    def document(self, ref: str) -> DocumentConfig:
        """The document `ref` names: 'acme' or 'acme/privacy' (its privacy policy), 'acme/cookies'."""
        slug, doctype = split_document(ref.strip())
        company = self.company(slug)
        key = document_key(slug, doctype)
        if key not in self.documents:
            known = ", ".join(company.documents)
            if doctype == PRIVACY:
                raise NotFound(f"{slug} has no privacy policy url in {self.path}; name one of its documents "
                               f"({known}) or add url = \"…\" to [companies.{slug}]")
            raise NotFound(f"{slug} has no document {doctype!r}; add [companies.{slug}.documents.{doctype}] to "
                           f"{self.path} (its documents: {known})")
        return self.documents[key]

    def documents_of(self, ref: str) -> list[DocumentConfig]:
        """Every document of company `ref`, or the one document 'acme/cookies' names."""
        if "/" in ref:
            return [self.document(ref)]
        return [self.documents[key] for key in self.company(ref.strip()).documents]

    def wayback_for(self, document: DocumentConfig) -> bool:
        """Whether the Wayback Machine may be asked about `document` ([wayback] and its own switch)."""
        return self.wayback_enabled and document.wayback


# -- loading -------------------------------------------------------------------------------

def _hint(name: str, known, other_tables: dict[str, set[str]] | None = None, shape: str = "{}") -> str:
    """'; did you mean X?' for a misspelling, '; it belongs in [T]' for a key of another table."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {shape.format(close[0])}?"
    homes = [t for t, names in (other_tables or {}).items() if name in names]
    if homes:
        return f"; it belongs in [{homes[0]}]"
    return f"; known: {', '.join(known)}" if known else ""


def _read_table(raw: dict, table: str, where: str) -> dict:
    """`raw` checked against the keys of `table` ("companies.*" for a company): unknown and
    refused keys, types, ranges, required keys. Returns {field: value} with defaults filled in."""
    keys = keys_of(table)
    for name in raw:
        refused = REFUSED.get(f"{table}.{name}")
        if refused:
            raise ConfigError(f"{where}.{name} {refused.format(slug=where.rpartition('.')[2])}")
        if name not in keys:
            others = {t: set(keys_of(t)) for t in TABLES if t != table}
            raise ConfigError(f"unknown key {where}.{name}{_hint(name, keys, others)}")
    values = {}
    for name, key in keys.items():
        if name in raw:
            value = raw[name]
            if isinstance(value, dict):
                raise ConfigError(f"{where}.{name} is a table; write {name} = {_toml(key.shown())}")
            values[key.field] = key.parse(value, f"{where}.{name}")
        elif key.required:
            raise ConfigError(f"{where}.{name} is missing; add e.g. {name} = {_toml(key.shown())}")
        else:
            values[key.field] = parse_duration(key.default, key.where()) if key.kind == "duration" and \
                key.default is not None else key.default
    return values


def _table(raw: dict, name: str) -> dict:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a table: write [{name}] on a line of its own, then its keys")
    return value


def _resolve(base: Path, value: str | None, default: Path) -> Path:
    if value is None:
        return default
    p = Path(os.path.expanduser(value))
    return p if p.is_absolute() else (base / p)


def parse_config(raw: dict, path: Path) -> Config:
    """Settings from a parsed config.toml; every problem is one ConfigError naming the file and key."""
    try:
        return _parse(raw, path)
    except ConfigError as e:
        message = str(e).removeprefix("config: ")
        raise ConfigError(f"{path}: {message}") from None


def _parse(raw: dict, path: Path) -> Config:
    for name, value in raw.items():
        if name in TABLES:
            continue
        if isinstance(value, dict):
            raise ConfigError(f"unknown table [{name}]{_hint(name, TABLES, shape='[{}]')}")
        raise ConfigError(f"unknown key {name}{_hint(name, [], {t: set(keys_of(t)) for t in TABLES})}")
    flat = {}
    for table in SETTINGS_TABLES:
        flat.update(_read_table(_table(raw, table), table, table))
    email = webhook = None
    if "email" in raw:
        email = EmailConfig(**_read_table(_table(raw, "email"), "email", "email"))
    if "webhook" in raw:
        webhook = WebhookConfig(**_read_table(_table(raw, "webhook"), "webhook", "webhook"))
    companies: dict[str, CompanyConfig] = {}
    documents: dict[str, DocumentConfig] = {}
    for slug, table in _table(raw, "companies").items():
        company, docs = _company(slug, table)
        companies[slug] = company
        documents.update((d.key, d) for d in docs)
    base = path.resolve().parent
    flat["database"] = _resolve(base, flat["database"], data_dir() / "policymon.db")
    flat["snapshots"] = _resolve(base, flat["snapshots"], data_dir() / "snapshots")
    flat["wayback_endpoint"] = flat["wayback_endpoint"].rstrip("/")
    return Config(path=path, email=email, webhook=webhook, companies=companies, documents=documents, **flat)


def _company(slug: str, table) -> tuple[CompanyConfig, list[DocumentConfig]]:
    """`[companies.SLUG]` and its `[companies.SLUG.documents.TYPE]` tables."""
    where = f"companies.{slug}"
    if not _SLUG.match(slug):
        raise ConfigError(f"[{where}]: a company slug uses lowercase letters, digits, '-' or '_'")
    if not isinstance(table, dict):
        raise ConfigError(f"[{where}] must be a table with a url, e.g. [{where}] then url = \"https://…\"")
    table = dict(table)
    extra = table.pop("documents", {})
    if not isinstance(extra, dict):
        raise ConfigError(f"{where}.documents must be tables: write [{where}.documents.cookies] then url = \"…\"")
    values = _read_table(table, "companies.*", where)
    docs = []
    if values["url"] is not None:
        docs.append(DocumentConfig(key=document_key(slug), company=slug, doctype=PRIVACY, **values))
    elif not extra:
        raise ConfigError(f"{where}.url is missing; add e.g. url = \"https://acme.example/privacy\", or list its "
                          f"documents as [{where}.documents.privacy]")
    else:
        for name in ("selector", "remove"):
            if values[name] is not None:
                raise ConfigError(f"{where}.{name} applies to the privacy policy at {where}.url, which is not set; "
                                  f"move it into the [{where}.documents.…] table it is for")
    for doctype, raw_doc in extra.items():
        at = f"{where}.documents.{doctype}"
        if not _SLUG.match(doctype):
            raise ConfigError(f"[{at}]: a document type uses lowercase letters, digits, '-' or '_' "
                              f"(e.g. privacy, cookies, terms)")
        if not isinstance(raw_doc, dict):
            raise ConfigError(f"[{at}] must be a table with a url, e.g. [{at}] then url = \"https://…\"")
        if doctype == PRIVACY and values["url"] is not None:
            raise ConfigError(f"[{at}] repeats the privacy policy {where}.url names; keep one of the two")
        own = _read_table(raw_doc, DOCUMENTS, at)
        if "interval" not in raw_doc and "cron" not in raw_doc:
            own["interval"], own["cron"] = values["interval"], values["cron"]
        if "wayback" not in raw_doc:
            own["wayback"] = values["wayback"]
        doc = DocumentConfig(key=document_key(slug, doctype), company=slug, doctype=doctype, name=values["name"],
                             **own)
        docs.insert(0, doc) if doctype == PRIVACY else docs.append(doc)
    return CompanyConfig(slug=slug, name=values["name"], documents=tuple(d.key for d in docs)), docs


def load_config(path: str | Path | None = None) -> Config:
    """Find (see find_config), read and validate the config file."""
    path, _ = find_config(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found; run `policymon init {path}` to write one, or pass "
                          f"--config PATH") from None
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from None
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}; fix that line") from None
    return parse_config(raw, path)


# -- the file `policymon init` writes ------------------------------------------------------

def _key_lines(key: Key, value=None) -> list[str]:
    """A key's help as a comment, then the key: set to `value` if given, else commented out."""
    about = key.help
    if key.range_text():
        about += f": {key.range_text()}" if key.choices else f" ({key.range_text()})"
    line = f"{key.name} = {_toml(value if value is not None else key.shown())}"
    return [f"# {about}", line if value is not None else f"# {line}"]


def config_template(companies: dict[str, str], *, data: Path | None = None) -> str:
    """The commented config.toml `policymon init` writes: every key with its help and default
    (commented out, so a future default applies), the `companies` given (slug → policy URL) and
    one commented live-only example. `data` puts the database and snapshots in that folder."""
    out = ["# policymon configuration, written by `policymon init`.",
           "# policymon reads the first of: --config PATH, $POLICYMON_CONFIG, ./config.toml,",
           "# ~/.config/policymon/config.toml (the user config directory), /etc/policymon/config.toml.",
           "# `policymon config check` validates it and says where the database and snapshots are.",
           "# A commented-out key shows its default (or an example). Relative paths are relative to this file.",
           "# The data directory is ~/.local/share/policymon on Linux; `policymon config check` shows it.",
           "# Secrets never go in this file: name an environment variable that holds them."]
    storage = {"database": str(data / "policymon.db"), "snapshots": str(data / "snapshots")} if data else {}
    for table, about in TABLES.items():
        if table != "companies":
            out += ["", f"# {about}", f"# [{table}]" if table in OPTIONAL_TABLES else f"[{table}]"]
            for key in keys_of(table).values():
                out += _key_lines(key, storage.get(key.name))
    company_keys = keys_of("companies.*").values()
    document_keys = keys_of(DOCUMENTS).values()
    out += ["", f"# {TABLES['companies']}", "# `url` is the company's privacy policy; list its other documents (cookie policy,",
            "# terms…) as [companies.SLUG.documents.TYPE], each checked and alerted on its own",
            "# (`policymon diff SLUG/TYPE`). Keys:"]
    out += [f"#   {k.name}: {k.help}" for k in company_keys]
    out += ["# and in each [companies.SLUG.documents.TYPE]:"]
    out += [f"#   {k.name}: {k.help}" for k in document_keys]
    if companies:
        out += [f"# These ship with a bundled history (Open Terms Archive, ODC-By 1.0): `policymon diff "
                f"{next(iter(companies))}`", "# works offline, and `policymon check` fetches their live pages."]
    for slug, url in companies.items():
        out += ["", f"[companies.{slug}]", f"url = {_toml(url)}"]
    out += ["", "# A live-only example with no stored history: uncomment it, then `policymon check acme` stores",
            "# its first versions and `policymon backfill acme` their past versions from the Wayback Machine.",
            "# [companies.acme]"]
    out += [f"# {k.name} = {_toml(k.example if k.example is not None else k.default)}" for k in company_keys]
    out += ["# [companies.acme.documents.cookies]"]
    out += [f"# {k.name} = {_toml(k.example if k.example is not None else k.default)}" for k in document_keys
            if k.name in ("url", "selector")]
    return "\n".join(out) + "\n"
