"""Deployment as documented: the README's systemd recipe with deploy/policymon.service, and the
Dockerfile (with deploy/compose.yaml), run for real in this virtualenv with their absolute paths
moved under a temporary folder. Building the image needs a Docker engine, which CI lacks; its
`policymon` lines and its CMD are what this runs."""
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "policymon"
README = (ROOT / "README.md").read_text(encoding="utf-8")
UNIT = (ROOT / "deploy" / "policymon.service").read_text(encoding="utf-8")
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = (ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8")
VENV = "/opt/policymon/bin/policymon"


def rebase(text: str, root: Path) -> str:
    """Absolute system paths (/etc, /var, /opt) moved under `root`."""
    return re.sub(r"(?<![\w/.-])/(etc|var|opt)/", lambda m: f"{root}/{m.group(1)}/", text)


def unit_settings() -> dict[str, str]:
    return dict(re.findall(r"^(\w+)=(.*)$", UNIT, re.M))


def readme_recipe() -> list[str]:
    section = README[README.index("## Running the daemon"):]
    return re.search(r"```sh\n(.*?)\n```", section, re.S).group(1).splitlines()


def run_until_started(argv: list[str], cwd: Path, env: dict, stop: signal.Signals) -> tuple[int, str]:
    """Start the daemon, wait for its start line, send `stop`, return (exit code, log)."""
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    log = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            log.append(line)
            if "action=start outcome=ok" in line:
                proc.send_signal(stop)
                break
        out, _ = proc.communicate(timeout=60)
        return proc.returncode, "".join(log) + (out or "")
    finally:
        if proc.poll() is None:
            proc.kill()


def clean_env(tmp_path: Path, **more) -> dict:
    """The environment a service starts with: no XDG folders of the caller; `elsewhere` is where
    a data directory that was not configured would end up."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "POLICYMON_"))}
    return {**env, "HOME": str(tmp_path / "elsewhere"), **more}


def test_unit_comment_and_readme_give_the_same_recipe():
    commented = [line[4:] for line in UNIT.splitlines() if line.startswith("#   sudo ")]
    assert commented[:len(readme_recipe())] == readme_recipe()


def test_systemd_recipe_followed_literally_keeps_the_data_in_the_state_directory(tmp_path):
    recipe, unit = readme_recipe(), unit_settings()
    assert f"sudo python3 -m venv {VENV.removesuffix('/bin/policymon')}" in " ".join(recipe)
    [init] = [line for line in recipe if " init " in line]
    init_argv = rebase(init.removeprefix("sudo ").replace(VENV, str(SCRIPT)), tmp_path).split()
    assert subprocess.run(init_argv, env=clean_env(tmp_path), capture_output=True).returncode == 0

    exec_start = unit["ExecStart"].split()
    assert exec_start[0] == VENV and exec_start[1:3] == ["--config", init.split()[3]], \
        "the unit reads the config the recipe wrote"
    state = Path("/var/lib") / unit["StateDirectory"]
    assert init.split()[-2:] == ["--data-dir", str(state)] and unit["WorkingDirectory"] == str(state)
    assert unit["EnvironmentFile"] == "-/etc/policymon/env" and "/etc/policymon/env" in README

    state_dir = Path(rebase(str(state), tmp_path))
    state_dir.mkdir(parents=True)                       # what StateDirectory= does before start
    argv = [str(SCRIPT)] + [rebase(a, tmp_path) for a in exec_start[1:]]
    code, log = run_until_started(argv, state_dir, clean_env(tmp_path), signal.Signals[unit["KillSignal"]])
    assert code == 0, log
    assert (state_dir / "policymon.db").is_file() and (state_dir / "snapshots").is_dir()
    assert not (tmp_path / "elsewhere").exists()


def dockerfile() -> dict[str, list[str]]:
    """Each instruction's arguments, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    out: dict[str, list[str]] = {}
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            out.setdefault(word, []).append(rest.strip())
    return out


def test_dockerfile_builds_from_the_repository_with_a_supported_python():
    d = dockerfile()
    requires = re.search(r'requires-python = ">=3\.(\d+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert re.match(rf"python:3\.{requires}\b", d["FROM"][0])
    sources = [s for copy in d["COPY"] for s in copy.split()[:-1]]
    assert sources and all((ROOT / s).exists() for s in sources)
    allowed = [line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.startswith("!")]
    assert sorted(sources) == sorted(allowed), ".dockerignore lets in exactly what the Dockerfile copies"


def test_dockerfile_command_runs_the_daemon_with_its_data_in_the_volume(tmp_path):
    d = dockerfile()
    env = clean_env(tmp_path)
    for assignment in d["ENV"]:
        name, _, value = assignment.partition("=")
        env[name] = rebase(value, tmp_path)
    [volume] = d["VOLUME"]
    workdir = Path(rebase(d["WORKDIR"][-1], tmp_path))
    Path(rebase(volume, tmp_path)).mkdir(parents=True)       # what the RUN `install -d` line does
    for run in d["RUN"]:
        for command in (c.strip() for c in run.split("&&")):
            if command.startswith("policymon "):
                done = subprocess.run([str(SCRIPT), *rebase(command, tmp_path).split()[1:]], env=env,
                                      capture_output=True, text=True)
                assert done.returncode == 0, done.stderr
    cmd = json.loads(d["CMD"][0])
    assert cmd[0] == "policymon" and cmd[-1] == "run"
    code, log = run_until_started([str(SCRIPT)] + [rebase(a, tmp_path) for a in cmd[1:]], workdir, env,
                                  signal.Signals[d["STOPSIGNAL"][0]])
    assert code == 0, log
    data = Path(rebase(volume, tmp_path))
    assert (data / "policymon.db").is_file() and f"database {data / 'policymon.db'}" in log
    assert not (tmp_path / "elsewhere").exists()


def test_compose_and_readme_use_the_images_volume_and_secret_names():
    from monitor.config import keys_of
    [volume] = dockerfile()["VOLUME"]
    secrets = {keys_of("email")["password_env"].example, keys_of("webhook")["secret_env"].example}
    assert f":{volume}\n" in COMPOSE and (ROOT / "deploy" / re.search(r"build: (\S+)", COMPOSE).group(1) /
                                         "Dockerfile").is_file()
    assert all(f"{name}: ${{{name}:-}}" in COMPOSE for name in secrets)
    docker_run = re.search(r"docker run .*?policymon\n", README, re.S).group(0)
    assert f":{volume}" in docker_run and all(f"-e {name}" in docker_run for name in secrets)
