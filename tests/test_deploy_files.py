"""The deploy files (docker-compose.yml, Dockerfile, deploy/) stay consistent with the code.

Fast and without Docker: the files are read as text and YAML and compared with bot/settings.py,
endpoints.yml, the gateway's routes, the Makefile and the systemd units (docs/deploy.md).
"""

from __future__ import annotations

import ast
import importlib.util
import ipaddress
import re
import shlex
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bot.settings import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
DROM_IMAGE = "drom:latest"
DROM_SERVICES = {name: s for name, s in SERVICES.items() if s.get("image") == DROM_IMAGE}
CADDYFILE = (PROJECT_ROOT / "deploy" / "Caddyfile").read_text()
PROXY = "proxy"

# Each settings file docker-compose.yml reads, and the committed example it is copied from.
ENV_EXAMPLES = {
    "deploy/drom.env": "deploy/docker.env.example",
    "deploy/postgres.env": "deploy/postgres.env.example",
}
# Variables the Drom processes get that Drom itself does not read, and who reads them.
READ_BY_OTHERS = {
    "FORWARDED_ALLOW_IPS": "uvicorn: whose X-Forwarded-For/-Proto to trust",
    "RASA_TELEMETRY_ENABLED": "Rasa",
    "TF_CPP_MIN_LOG_LEVEL": "TensorFlow",
    "SQLALCHEMY_WARN_20": "SQLAlchemy",
}
POSTGRES_IMAGE_VARIABLES = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}
LOOPBACK_ONLY_PREFIX = "/api/handoffs"  # no accounts yet: never through the proxy (docs/deploy.md)


def settings_variables() -> set[str]:
    """The environment variables bot/settings.py reads (os.environ.get, os.environ[...], _int, _float)."""
    tree = ast.parse((PROJECT_ROOT / "bot" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = ast.unparse(node.func)
            if func in ("os.environ.get", "os.getenv", "_int", "_float"):
                names.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
    return names


def endpoints_variables() -> set[str]:
    return set(re.findall(r"\$\{([A-Z0-9_]+)\}", (PROJECT_ROOT / "endpoints.yml").read_text()))


def env_file_variables(path: str) -> dict[str, str]:
    values = {}
    for line in (PROJECT_ROOT / path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {name: str(value) for name, value in env.items()}


def command(service: dict) -> list[str]:
    raw = service.get("command")
    return shlex.split(raw) if isinstance(raw, str) else list(raw)


def all_variables(service: dict) -> set[str]:
    names = set(environment(service))
    for path in as_list(service.get("env_file")):
        names |= set(env_file_variables(ENV_EXAMPLES[path]))
    return names


def systemd_exec_start(unit: str) -> list[str]:
    text = (PROJECT_ROOT / "deploy" / "systemd" / unit).read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def healthcheck_url(service: dict) -> str:
    test = " ".join(service["healthcheck"]["test"])
    match = re.search(r"https?://[^'\" ]+", test)
    assert match, f"no URL in healthcheck {test!r}"
    return match.group(0)


def rasa_services() -> dict[str, dict]:
    rasa = ["python", "-m", "bot.rasa_server"]
    return {name: s for name, s in DROM_SERVICES.items() if command(s)[:3] == rasa}


def test_the_compose_file_has_the_layout_of_docs_deploy() -> None:
    assert {"postgres", "redis", "migrate", "rasa1", "rasa2", "gateway", PROXY} <= set(SERVICES)
    assert set(DROM_SERVICES) == {"migrate", "gateway"} | set(rasa_services()), "Rasa runs the actions: no action server"
    builders = [name for name, s in SERVICES.items() if "build" in s]
    assert builders == ["migrate"], "the Drom image is built once, by `migrate`; the others use it"


def test_every_variable_is_one_that_something_reads() -> None:
    known = settings_variables() | endpoints_variables()
    assert {"DATABASE_URL", "RASA_URL", "DROM_HOST", "RETENTION_DAYS"} <= known, "the parser missed names"
    allowed = known | set(READ_BY_OTHERS)
    for name, service in DROM_SERVICES.items():
        unknown = all_variables(service) - allowed
        assert not unknown, f"{name}: {sorted(unknown)} are read by nothing"
    for example in ("deploy/docker.env.example", "deploy/systemd/drom.env.example"):
        unknown = set(env_file_variables(example)) - allowed
        assert not unknown, f"{example}: {sorted(unknown)} are not read by bot/settings.py"
    assert all_variables(SERVICES["postgres"]) <= POSTGRES_IMAGE_VARIABLES
    caddy_variables = set(re.findall(r"\{\$([A-Z0-9_]+)", CADDYFILE))
    assert all_variables(SERVICES[PROXY]) == caddy_variables


def test_docker_and_systemd_configure_the_same_settings() -> None:
    systemd = set(env_file_variables("deploy/systemd/drom.env.example"))
    docker = set(env_file_variables("deploy/docker.env.example")) | set(environment(SERVICES["gateway"]))
    assert systemd <= docker, f"set in the systemd layout only: {sorted(systemd - docker)}"


def test_settings_files_have_examples_and_are_never_committed_or_built_in() -> None:
    dockerignore = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert "deploy/" in dockerignore and ".env" in dockerignore
    for name, service in SERVICES.items():
        for path in as_list(service.get("env_file")):
            assert path in ENV_EXAMPLES, f"{name} reads {path}, which has no example"
            assert (PROJECT_ROOT / ENV_EXAMPLES[path]).exists()
            ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=PROJECT_ROOT)
            assert ignored.returncode == 0, f"{path} holds secrets but git would commit it"
    for values in (env_file_variables(p) for p in ENV_EXAMPLES.values()):
        for name, value in values.items():
            if any(word in name for word in ("TOKEN", "SECRET", "PASSWORD")):
                assert value in ("", "CHANGE-ME"), f"{name} has a value in an example"


@pytest.mark.parametrize("name", sorted(DROM_SERVICES))
def test_each_command_runs_a_module_that_exists(name: str) -> None:
    args = command(DROM_SERVICES[name])
    assert args[:2] == ["python", "-m"]
    module = args[2]
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"{name} runs `python -m {module}`, which does not exist"
    if spec.submodule_search_locations is not None:  # a package: it needs a __main__
        assert importlib.util.find_spec(f"{module}.__main__") is not None
    if module == "bot":
        from bot.__main__ import build_parser

        build_parser().parse_args(args[3:])  # exits (fails the test) on an unknown sub-command


def test_commands_match_the_systemd_units() -> None:
    units = {"gateway": "drom-gateway.service", "rasa1": "drom-rasa@.service"}
    for name, unit in units.items():
        compose_args = command(SERVICES[name])[1:]
        unit_args = systemd_exec_start(unit)[1:]
        if "%i" in unit_args:  # the template's instance is the port
            unit_args[unit_args.index("%i")] = option(compose_args, "--port")
        if "--interface" in unit_args:  # loopback on one server, every address inside a container
            assert option(unit_args, "--interface") == "127.0.0.1"
            assert option(compose_args, "--interface") == "0.0.0.0"
            unit_args[unit_args.index("--interface") + 1] = "0.0.0.0"
        assert compose_args == unit_args, f"{name} and {unit} start different things"
    gateway_unit = (PROJECT_ROOT / "deploy" / "systemd" / "drom-gateway.service").read_text()
    assert "ExecStartPre=/opt/drom/.venv/bin/python -m bot db upgrade" in gateway_unit
    assert command(SERVICES["migrate"]) == ["python", "-m", "bot", "db", "upgrade"]


def test_everything_waits_for_the_migration() -> None:
    for name, service in DROM_SERVICES.items():
        if name != "migrate":
            assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert SERVICES["migrate"]["restart"] == "no"
    assert SERVICES["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_only_the_proxy_publishes_ports() -> None:
    published = {name for name, s in SERVICES.items() if s.get("ports") or s.get("network_mode") == "host"}
    assert published == {PROXY}
    assert COMPOSE["networks"]["backend"].get("internal") is True
    on_edge = {name for name, s in SERVICES.items() if "edge" in as_list(s.get("networks"))}
    assert on_edge == {PROXY, "gateway"}, "only the gateway is reachable from the proxy"


def test_healthchecks_ask_each_process_on_its_own_port() -> None:
    gateway = SERVICES["gateway"]
    url = urlsplit(healthcheck_url(gateway))
    assert (url.path, str(url.port)) == ("/healthcheck", environment(gateway)["DROM_PORT"])
    assert environment(gateway)["DROM_HOST"] == "0.0.0.0"
    for service in rasa_services().values():
        url = urlsplit(healthcheck_url(service))
        assert (url.path, str(url.port)) == ("/status", option(command(service), "--port"))


def test_the_gateway_reaches_every_rasa_instance_and_they_share_locks() -> None:
    gateway = environment(SERVICES["gateway"])
    listed = [urlsplit(url.strip()) for url in gateway["RASA_URL"].split(",")]
    assert {(u.hostname, str(u.port)) for u in listed} == {
        (name, option(command(s), "--port")) for name, s in rasa_services().items()
    }, "RASA_URL must list every Rasa service (docs/deploy.md: scaling Rasa)"
    assert len(rasa_services()) >= 2 and gateway.get("REDIS_URL")
    for name, service in rasa_services().items():
        env = environment(service)
        assert urlsplit(env["REDIS_URL"]).hostname == "redis", name
        assert env["REDIS_URL"] == gateway["REDIS_URL"]
        assert service["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_the_gateway_trusts_forwarded_headers_from_the_proxy_only() -> None:
    import uvicorn
    from uvicorn.middleware.proxy_headers import _TrustedHosts

    trusted = environment(SERVICES["gateway"])["FORWARDED_ALLOW_IPS"]
    edge = ipaddress.ip_network(COMPOSE["networks"]["edge"]["ipam"]["config"][0]["subnet"])
    assert ipaddress.ip_network(trusted) == edge
    assert str(next(edge.hosts())) in _TrustedHosts(trusted)
    assert "172.31.0.5" not in _TrustedHosts(trusted)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FORWARDED_ALLOW_IPS", trusted)
        assert uvicorn.Config(app=None).forwarded_allow_ips == trusted  # what `python -m bot serve` gets


def caddy_paths() -> list[str]:
    match = re.search(r"^\s*@public\s+path\s+(.+)$", CADDYFILE, re.MULTILINE)
    assert match, "deploy/Caddyfile has no `@public path ...` matcher"
    return match.group(1).split()


def proxied(path: str) -> bool:
    return any(path.startswith(p[:-1]) if p.endswith("*") else path == p for p in caddy_paths())


def gateway_paths() -> list[str]:
    """One concrete path for every route of the gateway (bot/web/app.py and the console's mount)."""
    app = (PROJECT_ROOT / "bot" / "web" / "app.py").read_text()
    console = (PROJECT_ROOT / "bot" / "console" / "routes.py").read_text()
    app_mounts = re.findall(r'Mount\("([^"]+)"', app)
    paths = re.findall(r'Route\("([^"]+)"', app) + [m + "/style.css" for m in app_mounts]
    console_root = re.search(r'return Mount\("([^"]+)"', console).group(1)
    console_mounts = [m for m in re.findall(r'Mount\("([^"]+)"', console) if m != console_root]
    console_routes = re.findall(r'Route\(f?"([^"]+)"', console) + [m + "/x.js" for m in console_mounts]
    paths += [console_root] + [console_root + p for p in console_routes]
    return [re.sub(r"\{[^}]*\}+", "x", p) for p in paths]


def test_the_proxy_forwards_every_public_route_and_never_the_handoff_api() -> None:
    paths = gateway_paths()
    assert "/webhooks/telegram" in paths and "/console/inbox" in paths and "/api/handoffs" in paths
    for path in paths:
        if path.startswith(LOOPBACK_ONLY_PREFIX):
            assert not proxied(path), f"{path} is loopback-only but deploy/Caddyfile forwards it"
        else:
            assert proxied(path), f"the gateway serves {path} but deploy/Caddyfile does not forward it"
    assert not proxied("/api/handoffs/1/close") and not proxied("/api/messages/../handoffs")
    gateway_port = environment(SERVICES["gateway"])["DROM_PORT"]
    assert re.findall(r"reverse_proxy\s+(\S+)", CADDYFILE) == [f"gateway:{gateway_port}"]
    assert re.search(r"handle\s*\{\s*respond 404\s*\}", CADDYFILE), "everything else must get 404"


def test_the_image_is_built_like_make_builds_the_environment() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^FROM python:3\.10-slim-bookworm$", dockerfile, re.MULTILINE)
    uv_version = re.search(r"^UV_VERSION := (\S+)$", makefile, re.MULTILINE).group(1)
    assert f"ARG UV_VERSION={uv_version}\n" in dockerfile
    assert "uv pip sync" in dockerfile and "requirements.lock" in dockerfile
    train = re.search(r"^train:.*\n\t\$\(RASA\) (train .+)$", makefile, re.MULTILINE).group(1)
    assert f"rasa {train}" in dockerfile, "the image trains the model as `make train` does"
    assert "pybabel compile --use-fuzzy" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    for line in re.findall(r"^(?:ENV|ARG) .*$", dockerfile, re.MULTILINE):
        assert not re.search(r"TOKEN|SECRET|PASSWORD|DATABASE_URL", line), f"a secret in the image: {line}"
    dockerignore = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {".venv/", "var/", "models/", "reports/", ".git/", "tests/*", "!tests/nlu/"} <= set(dockerignore)


def test_docs_describe_the_compose_layout() -> None:
    docs = (PROJECT_ROOT / "docs" / "deploy.md").read_text()
    section = docs.split("## Docker Compose", 1)[1].split("\n## ", 1)[0]
    words = ("rasa3", "RASA_URL", "pg_dump", "RETENTION_DAYS", "deploy/docker.env.example", "/api/handoffs")
    for word in words:
        assert word in section, f"docs/deploy.md's Docker Compose section does not mention {word}"
    if "## Not yet in this layout" in docs:
        assert docs.index("## Docker Compose") < docs.index("## Not yet in this layout")
