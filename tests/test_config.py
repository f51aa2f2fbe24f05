"""config.toml: the keys in DESIGN.md work, and every mistake is named with its key or line."""
from pathlib import Path

import pytest

from monitor.config import load_config, parse_duration
from monitor.errors import ConfigError, NotFound

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_config_loads_with_paths_relative_to_the_file():
    config = load_config(ROOT / "config.toml")
    assert config.database == ROOT / "policymon.db"
    assert config.snapshots == ROOT / "snapshots"
    assert {"reddit", "xmatters", "jivox", "webengage", "xmedius"} <= set(config.companies)


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
    assert config.company("acme").url == "https://acme.example/privacy"


def test_malformed_toml_names_the_line(tmp_path):
    path = write(tmp_path, '[storage]\ndatabase = "x.db"\n[companies.acme\nurl = 1\n')
    with pytest.raises(ConfigError, match=r"line 3"):
        load_config(path)


def test_wrong_type_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"email\.port must be int"):
        load_config(write(tmp_path, '[email]\nport = "25"\nto = ["a@b.c"]\n'))


def test_company_without_url_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"companies\.acme\.url"):
        load_config(write(tmp_path, '[companies.acme]\nselector = "main"\n'))


def test_secret_in_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="password_env"):
        load_config(write(tmp_path, '[email]\nto = ["a@b.c"]\npassword = "hunter2"\n'))


def test_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(ConfigError, match="--config"):
        load_config(tmp_path / "nope.toml")


def test_unknown_company_lists_the_configured_ones(tmp_path):
    config = load_config(write(tmp_path, '[companies.acme]\nurl = "https://acme.example/p"\n'))
    with pytest.raises(NotFound, match=r"unknown company 'nope'.*acme"):
        config.company("nope")


@pytest.mark.parametrize("text,seconds", [("45s", 45), ("30m", 1800), ("6h", 21600), ("7d", 604800),
                                          ("1w", 604800), (90, 90)])
def test_durations(text, seconds):
    assert parse_duration(text, "k") == seconds


def test_bad_duration_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"schedule\.interval"):
        load_config(write(tmp_path, '[schedule]\ninterval = "often"\n'))


def test_a_second_policy_url_is_a_company_of_its_own(tmp_path):
    with pytest.raises(ConfigError, match=r"companies\.acme-cookies"):
        load_config(write(tmp_path, '[companies.acme]\nurls = ["https://a.example/p", "https://a.example/c"]\n'))
