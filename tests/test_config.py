"""config.toml: found where users expect it, every key checked against the one table of keys,
and every mistake one line naming the file, the key and the fix."""
import os
import re
from pathlib import Path

import pytest

from monitor.bundled import bundled_companies
from monitor.config import (KEYS, SETTINGS_TABLES, SYSTEM_CONFIG, Config, config_template, data_dir, find_config,
                            load_config, parse_duration, search_path, user_config_path)
from monitor.errors import ConfigError, NotFound

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as e:
        load_config(write(tmp_path, text))
    message = str(e.value)
    assert "\n" not in message and message.startswith(str(tmp_path / "config.toml") + ": "), message
    return message


def test_repository_config_is_what_init_writes_and_keeps_data_out_of_the_clone():
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert text == config_template(bundled_companies()), "regenerate it: policymon init config.toml --force"
    config = load_config(ROOT / "config.toml")
    assert config.database == data_dir() / "policymon.db" and config.snapshots == data_dir() / "snapshots"
    assert not config.database.is_relative_to(ROOT)
    assert set(config.companies) == set(bundled_companies()) == {"reddit", "logitech", "amazon-advertising"}


def test_design_keys_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv("PM_PW", "hunter2")
    config = load_config(write(tmp_path, """
[storage]
database = "data/pm.db"
snapshots = "/var/lib/pm"
[wayback]
endpoint = "http://127.0.0.1:9/"
[schedule]
interval = "30m"
[email]
host = "mail.local"
port = 2525
from = "pm@local"
to = ["a@example.com", "b@example.com"]
password_env = "PM_PW"
[webhook]
url = "https://hooks.example.com/x"
secret_env = "PM_SECRET"
[companies.acme]
url = "https://acme.example/privacy"
"""))
    assert config.database == tmp_path / "data" / "pm.db"
    assert config.snapshots == Path("/var/lib/pm")
    assert config.wayback_endpoint == "http://127.0.0.1:9"
    assert config.interval == 1800
    assert config.email.port == 2525 and config.email.sender == "pm@local"
    assert config.email.to == ("a@example.com", "b@example.com")
    assert config.email.password == "hunter2"
    assert config.webhook.secret_env == "PM_SECRET"
    assert config.document("acme").url == "https://acme.example/privacy"


def test_storage_defaults_to_the_user_data_directory(tmp_path):
    config = load_config(write(tmp_path, "[companies.acme]\nurl = \"https://acme.example/p\"\n"))
    assert data_dir() == Path(os.environ["XDG_DATA_HOME"]) / "policymon"
    assert (config.database, config.snapshots) == (data_dir() / "policymon.db", data_dir() / "snapshots")


def test_malformed_toml_names_the_line(tmp_path):
    path = write(tmp_path, '[storage]\ndatabase = "x.db"\n[companies.acme\nurl = 1\n')
    with pytest.raises(ConfigError, match=r"line 3"):
        load_config(path)


@pytest.mark.parametrize("text,fragments", [
    ('[email]\nport = "25"\nto = ["a@b.c"]\n', ["email.port", "whole number", "port = 587"]),
    ("[schedule]\ninterval = 0.001\n", ["schedule.interval", "too small", "at least 1s", 'interval = "6h"']),
    ('[schedule]\ninterval = "0s"\n', ["schedule.interval", "at least 1s"]),
    ("[schedule]\nworkers = 0\n", ["schedule.workers = 0", "1 to 64", "workers = 4"]),
    ("[schedule]\nworkers = true\n", ["schedule.workers", "whole number"]),
    ("[wayback]\ncdx_per_minute = 0\n", ["wayback.cdx_per_minute = 0", "at least 1"]),
    ("[wayback]\ncdx_per_minute = -1\n", ["wayback.cdx_per_minute = -1", "at least 1"]),
    ("[fetch]\nmax_bytes = -1\n", ["fetch.max_bytes = -1", "at least 1024"]),
    ('[email]\nport = 99999\nto = ["a@b.c"]\n', ["email.port = 99999", "too large", "1 to 65535"]),
    ('[alerts]\nmin_severity = "urgent"\n', ["alerts.min_severity", '"high" or "medium" or "low"']),
    ('[email]\ntls = "yes"\nto = ["a@b.c"]\n', ["email.tls", '"starttls"']),
    ('[email]\nto = ["a@b.c"]\npassword_env = "hunter2!"\n', ["email.password_env", "name of an environment"]),
    ("[email]\nhost = \"mail\"\n", ["email.to is missing", 'to = ["privacy@example.com"]']),
    ('[email]\nto = ["nobody"]\n', ["email.to", "e-mail address"]),
    ('[webhook]\nurl = "ftp://x"\n', ["webhook.url", "http(s) URL"]),
    ('[companies.acme]\nurl = "https://a.example/p"\ninterval = "0.5s"\n', ["companies.acme.interval", "at least 1s"]),
    ('[companies.acme]\nurl = "https://a.example/p"\ncron = "at dawn"\n', ["companies.acme.cron", "five fields"]),
    ('[companies.acme]\nselector = "main"\n', ["companies.acme.url is missing"]),
    ('[companies.Acme]\nurl = "https://a.example/p"\n', ["companies.Acme", "lowercase"]),
    ('[schedule]\ninterval = "often"\n', ["schedule.interval", "not a duration"]),
    ('[wayback]\nenabled = "no"\n', ["wayback.enabled", "true or false"]),
    ('[storage]\ndatabase = " "\n', ["storage.database is empty", "remove the line or write e.g. database ="]),
])
def test_a_bad_value_is_one_line_naming_the_key_and_the_fix(tmp_path, text, fragments):
    message = refused(tmp_path, text)
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("text,fragments", [
    ('[schedule]\nintervall = "6h"\n', ["unknown key schedule.intervall", "did you mean interval?"]),
    ('[emial]\nto = ["a@b.c"]\n', ["unknown table [emial]", "did you mean [email]?"]),
    ('[companies.acme]\nurl = "https://a.example/p"\nselecter = "main"\n',
     ["unknown key companies.acme.selecter", "did you mean selector?"]),
    ('[wayback]\ninterval = "6h"\n', ["unknown key wayback.interval", "belongs in [schedule]"]),
    ('interval = "6h"\n', ["unknown key interval", "belongs in [schedule]"]),
    ('[fetch]\ncolour = "blue"\n', ["unknown key fetch.colour", "known: timeout, max_bytes, user_agent"]),
])
def test_unknown_keys_and_tables_are_refused_with_a_hint(tmp_path, text, fragments):
    message = refused(tmp_path, text)
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("text,fragment", [
    ('[email]\nto = ["a@b.c"]\npassword = "hunter2"\n', "password_env"),
    ('[webhook]\nurl = "https://h.example/x"\nsecret = "s"\n', "secret_env"),
    ('[email]\nto = ["a@b.c"]\nstarttls = true\n', 'tls = "starttls"'),
    ('[companies.acme]\nurls = ["https://a.example/p", "https://a.example/c"]\n', "companies.acme.documents.cookies"),
])
def test_refused_keys_say_what_to_write_instead(tmp_path, text, fragment):
    assert fragment in refused(tmp_path, text)


@pytest.mark.parametrize("line", ['password = "hunter2"', 'password_env = "hunter2!"'])
def test_secrets_are_never_echoed_back(tmp_path, line):
    assert "hunter2" not in refused(tmp_path, f'[email]\nto = ["a@b.c"]\n{line}\n')


def test_zero_host_gap_and_wayback_switches_are_allowed(tmp_path):
    config = load_config(write(tmp_path, """
[schedule]
host_gap = "0s"
[companies.acme]
url = "https://a.example/p"
wayback = false
[companies.globex]
url = "https://g.example/p"
"""))
    assert config.host_gap == 0
    assert not config.wayback_for(config.document("acme")) and config.wayback_for(config.document("globex"))
    off = load_config(write(tmp_path, '[wayback]\nenabled = false\n[companies.globex]\nurl = "https://g.example/p"\n'))
    assert not off.wayback_for(off.company("globex"))


def test_every_commented_key_of_the_template_is_a_valid_setting(tmp_path):
    """Uncommenting every key `policymon init` writes (tables, the example company) gives a config
    that loads: the help file cannot show a value the validation refuses."""
    text = config_template({"reddit": "https://www.reddit.com/policies/privacy-policy"})
    uncommented = "\n".join(re.sub(r"^# (\[[a-z.]+\]|[a-z_]+ = .*)$", r"\1", line) for line in text.splitlines())
    config = load_config(write(tmp_path, uncommented))
    assert config.email.to == ("privacy@example.com",) and config.webhook.url.startswith("https://")
    assert set(config.companies) == {"reddit", "acme"} and config.document("acme").selector == "main"
    assert config.document("acme/cookies").url == "https://acme.example/cookies"
    for key in KEYS:
        assert re.search(rf"^# {key.name} = ", text, re.M), f"{key.where()} is not in the template"


def test_template_with_a_data_dir_sets_absolute_storage_paths(tmp_path):
    text = config_template({}, data=Path("/var/lib/policymon"))
    config = load_config(write(tmp_path, text))
    assert config.database == Path("/var/lib/policymon/policymon.db")
    assert config.snapshots == Path("/var/lib/policymon/snapshots")
    assert config.companies == {}


def test_every_setting_is_filled_from_the_key_table():
    fields = set(Config.__dataclass_fields__) - {"path", "email", "webhook", "companies", "documents"}
    assert fields == {k.field for k in KEYS if k.table in SETTINGS_TABLES}


def test_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(ConfigError, match="policymon init"):
        load_config(tmp_path / "nope.toml")


def test_config_is_found_in_the_documented_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    user = user_config_path()
    assert user == Path(os.environ["XDG_CONFIG_HOME"]) / "policymon" / "config.toml"
    with pytest.raises(ConfigError, match=r"no config file found .*config\.toml.*policymon/config\.toml.*"
                                          r"/etc/policymon/config\.toml.*policymon init"):
        find_config()
    user.parent.mkdir(parents=True)
    user.write_text("")
    assert find_config() == (user, "the user config directory")
    (tmp_path / "config.toml").write_text("")
    assert find_config() == (Path("config.toml"), "./config.toml")
    monkeypatch.setenv("POLICYMON_CONFIG", str(tmp_path / "env.toml"))
    assert find_config() == (tmp_path / "env.toml", "$POLICYMON_CONFIG")
    assert find_config("given.toml") == (Path("given.toml"), "--config")
    user.unlink()


def test_system_config_is_the_last_place_looked():
    assert search_path()[-1][0] == SYSTEM_CONFIG == Path("/etc/policymon/config.toml")


def test_unknown_company_lists_the_configured_ones(tmp_path):
    config = load_config(write(tmp_path, '[companies.acme]\nurl = "https://acme.example/p"\n'))
    with pytest.raises(NotFound, match=r"unknown company 'nope'.*acme"):
        config.company("nope")


@pytest.mark.parametrize("text,seconds", [("45s", 45), ("30m", 1800), ("6h", 21600), ("7d", 604800),
                                          ("1w", 604800), (90, 90), ("0s", 0)])
def test_durations(text, seconds):
    assert parse_duration(text, "k") == seconds
