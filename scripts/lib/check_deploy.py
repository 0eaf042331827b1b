#!/usr/bin/env python3
"""Checks deploy/ without a Docker engine: the compose file, with deploy/.env.example's values filled in, against
the JSON schema docker-compose 1.29.2 validates with (taken from its wheel on PyPI), under the current Compose
specification with the compose_spec crate's strict parser (PyPI's compose-spec), and against the topology that
scripts/cluster runs and the tests exercise; the Dockerfile's stages, user, health check and files; the
environment variables against the ones `boxoffice serve` reads.

Usage: check_deploy.py SCHEMA_JSON
"""
import json
import os
import re
import sys

import compose_spec
import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPLOY = os.path.join(ROOT, "deploy")
FAILED = []


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}{'' if condition else ' — ' + str(detail)}", flush=True)
    if not condition:
        FAILED.append(name)


def read(*path):
    with open(os.path.join(ROOT, *path)) as file:
        return file.read()


def example_environment():
    values = {}
    for line in read("deploy", ".env.example").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def interpolate(value, environment, missing):
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}; names not in the environment are collected."""
    def substitute(match):
        name, operator, rest = match.group(1), match.group(2), match.group(3)
        if name in environment:
            return environment[name]
        if operator == ":-":
            return rest
        missing.add(name)
        return ""
    if isinstance(value, str):
        return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-?])([^}]*))?\}", substitute, value)
    if isinstance(value, list):
        return [interpolate(item, environment, missing) for item in value]
    if isinstance(value, dict):
        return {key: interpolate(item, environment, missing) for key, item in value.items()}
    return value


def environment_of(service):
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return environment


def compose(schema):
    raw = yaml.safe_load(read("deploy", "docker-compose.yml"))
    missing = set()
    document = interpolate(raw, example_environment(), missing)
    check("every variable it uses is in deploy/.env.example (or has a default)", not missing, sorted(missing))
    # The schema of docker-compose 1.29 predates the top-level `name`; everything else is checked against it.
    try:
        jsonschema.validate({key: value for key, value in document.items() if key != "name"}, schema)
        valid = True, ""
    except jsonschema.ValidationError as error:
        valid = False, f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
    check("docker-compose.yml, with .env.example's values, is valid against the Compose file JSON schema", *valid)
    try:
        compose_spec.PyCompose.from_yaml(yaml.safe_dump(document))
        parsed = True, ""
    except ValueError as error:
        parsed = False, str(error)
    check("... and parses under the current Compose specification (the compose_spec crate: every field, type and value)", *parsed)
    services = document["services"]
    check("the topology of scripts/cluster: two PostgreSQL databases, RabbitMQ, booking × 2, payments, nginx",
          sorted(services) == sorted(["booking-db", "payments-db", "rabbitmq", "payments", "booking-1", "booking-2", "nginx"]),
          sorted(services))

    secrets = {"POSTGRES_PASSWORD", "RABBITMQ_DEFAULT_PASS", "BOXOFFICE_ORGANIZER_TOKEN", "BOXOFFICE_AUTH_SECRET"}
    literal = []
    for name, service in raw["services"].items():
        for key, value in environment_of(service).items():
            if key in secrets and not re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", str(value)):
                literal.append(f"{name}.{key}")
            if "URL" in key and re.search(r"://[^:/]+:(?!\$\{)[^@]*@", str(value)):
                literal.append(f"{name}.{key}")
    check("no secret is written in the compose file: each comes from .env and is required", not literal, literal)
    check("deploy/.env is not committed and is ignored by git", not os.path.exists(os.path.join(DEPLOY, ".env")) or
          "deploy/.env" in read(".gitignore"), "deploy/.env exists and is not in .gitignore")
    check("... and the example's values are placeholders", all(value.startswith("change-me") for key, value in example_environment().items()
                                                              if "PASSWORD" in key or "TOKEN" in key or "SECRET" in key))

    dockerfile = read("deploy", "Dockerfile")
    dangling, unhealthy = [], []
    for name, service in services.items():
        for dependency, condition in (service.get("depends_on") or {}).items():
            if dependency not in services:
                dangling.append(f"{name} → {dependency}")
            elif condition.get("condition") == "service_healthy":
                target = services[dependency]
                built_here = (target.get("build") or {}).get("dockerfile") == "deploy/Dockerfile"
                if "healthcheck" not in target and not (built_here and "HEALTHCHECK" in dockerfile):
                    unhealthy.append(f"{name} waits for {dependency}, which has no health check")
    check("every depends_on names a service", not dangling, dangling)
    check("every service waited for as healthy has a health check", not unhealthy, unhealthy)

    order, seen = [], set()

    def visit(name, path):
        if name in path:
            raise ValueError(" → ".join([*path, name]))
        if name in seen:
            return
        for dependency in services[name].get("depends_on") or {}:
            visit(dependency, [*path, name])
        seen.add(name)
        order.append(name)
    try:
        for name in services:
            visit(name, [])
        cycle = ""
    except ValueError as error:
        cycle = str(error)
    check("the start order has no cycle", not cycle, cycle)
    check("the start order: databases and RabbitMQ, payments, booking-1, booking-2, nginx",
          order.index("payments") < order.index("booking-1") < order.index("booking-2") < order.index("nginx")
          and order.index("rabbitmq") < order.index("payments") and order.index("booking-db") < order.index("booking-1"), order)

    roles = {name: environment_of(service).get("BOXOFFICE_ROLE") for name, service in services.items()}
    check("roles: payments runs the payment service, booking-1 and booking-2 the booking service",
          roles["payments"] == "payments" and roles["booking-1"] == roles["booking-2"] == "booking", roles)
    booking = environment_of(services["booking-1"])
    payments = environment_of(services["payments"])
    check("the booking instances share the booking database; the payment service has its own",
          "@booking-db:5432/booking" in booking.get("BOXOFFICE_DATABASE_URL", "")
          and "@payments-db:5432/payments" in payments.get("BOXOFFICE_PAYMENTS_DATABASE_URL", ""), (booking, payments))
    check("every service talks to the same broker",
          booking.get("BOXOFFICE_BROKER_URL") == payments.get("BOXOFFICE_BROKER_URL") and "@rabbitmq:5672/" in booking.get("BOXOFFICE_BROKER_URL", ""))

    known = set(re.findall(r'"(BOXOFFICE_[A-Z_]+)"', read("Sources", "BoxofficeApp", "ServeConfiguration.swift")))
    used = {key for service in services.values() for key in environment_of(service) if key.startswith("BOXOFFICE_")}
    used |= set(re.findall(r"\b(BOXOFFICE_[A-Z_]+)=", dockerfile))
    check("every BOXOFFICE_ variable set is one `boxoffice serve` reads", used <= known, sorted(used - known))

    nginx = read("deploy", "nginx.conf")
    upstreams = set(re.findall(r"^\s*server ([a-z0-9-]+):8080\b", nginx, re.M))
    check("the gateway's upstreams are the compose services, on the port the image listens on",
          upstreams == {"booking-1", "booking-2", "payments"} and "BOXOFFICE_PORT=8080" in dockerfile, upstreams)
    mounts = services["nginx"].get("volumes") or []
    check("the gateway mounts deploy/nginx.conf and serves the web app from the folder nginx.conf names",
          "./nginx.conf:/etc/nginx/nginx.conf:ro" in mounts and "../public:/srv/boxoffice/public:ro" in mounts
          and "root /srv/boxoffice/public;" in nginx, mounts)


def dockerfile_checks():
    dockerfile = read("deploy", "Dockerfile")
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile, re.M)
    check("the Dockerfile has a build stage and a runtime stage", len(stages) == 2 and stages[0][1] == "build", stages)
    runtime = dockerfile.split("\nFROM ")[-1]
    check("... the build stage builds the release binary", "swift build -c release --product boxoffice" in dockerfile)
    check("... the runtime stage is slim and has no Swift toolchain", "slim" in stages[-1][0] and "swift" not in stages[-1][0], stages[-1])
    check("... it copies the binary and public/", "COPY --from=build" in runtime and re.search(r"^COPY public ", runtime, re.M) is not None)
    user = re.findall(r"^USER\s+(\S+)", runtime, re.M)
    check("... it runs as a user without rights", user and user[-1] not in ("root", "0"), user)
    check("... its HEALTHCHECK asks /health/ready", re.search(r"HEALTHCHECK[^\n]*(\\\n[^\n]*)*?/health/ready", runtime) is not None)
    check("... it listens on all addresses inside the container", "BOXOFFICE_HOST=0.0.0.0" in runtime)
    ignored = read(".dockerignore").split()
    check(".dockerignore keeps the build folder and local data out of the build context", ".build" in ignored and "data" in ignored, ignored)


def main():
    with open(sys.argv[1]) as file:
        schema = json.load(file)
    compose(schema)
    dockerfile_checks()
    print(f"deploy checks: {'all passed' if not FAILED else f'{len(FAILED)} failed'}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
