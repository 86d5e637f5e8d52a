"""deploy/ passes its linters and schemas: hadolint on the image definition, the Compose
specification's schema, the Kubernetes schemas for the rendered production overlay, and one
checkov scan over the image, the rendered manifests and the Bicep. Each check is also shown to
reject a broken copy, so a check that cannot fail would turn this red."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.deploy.tools import DEPLOY, KUBERNETES_VERSION, render_production, run, tool

DOCKERFILE = DEPLOY / "container" / "Dockerfile"


def test_the_image_definition_has_no_hadolint_findings(tmp_path: Path) -> None:
    hadolint = tool("hadolint")
    clean = run(hadolint, "--failure-threshold", "info", str(DOCKERFILE))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    broken = tmp_path / "Dockerfile"
    broken.write_text(DOCKERFILE.read_text().replace("python:3.11-slim-bookworm", "python", 1))
    assert run(hadolint, "--failure-threshold", "info", str(broken)).returncode != 0


def test_compose_file_follows_the_compose_specification(tmp_path: Path) -> None:
    check = tool("check-jsonschema")
    compose = DEPLOY / "compose.yaml"
    result = run(check, "--builtin-schema", "vendor.compose-spec", str(compose))
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "compose.yaml"
    broken.write_text(compose.read_text().replace("restart: unless-stopped", "restart: 3", 1))
    assert run(check, "--builtin-schema", "vendor.compose-spec", str(broken)).returncode != 0


def test_compose_runs_postgres_and_two_replicas_without_the_playground() -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    replicas = [s for name, s in services.items() if name.startswith("studybot-")]
    assert len(replicas) == 2
    assert "postgres" in services
    for replica in replicas:
        assert replica["environment"]["STUDYBOT_PLAYGROUND"] == "off"
        assert replica["read_only"] is True


def test_the_production_overlay_is_valid_for_the_stated_kubernetes_version(tmp_path: Path) -> None:
    validate = tool("kubernetes-validate")
    rendered = render_production(tmp_path / "rendered")
    args = ["--strict", "--quiet", "-k", KUBERNETES_VERSION]
    result = run(validate, *args, str(rendered))
    assert result.returncode == 0, result.stdout + result.stderr
    docs = list(yaml.safe_load_all(rendered.read_text()))
    kinds = {d["kind"] for d in docs}
    assert {"Deployment", "Service", "Ingress", "PodDisruptionBudget"} <= kinds
    assert "HorizontalPodAutoscaler" in kinds
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    assert deployment["metadata"]["namespace"] == "studybot"
    assert deployment["spec"]["replicas"] == 3
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"].startswith("ghcr.io/example/studybot@sha256:1111")
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    settings = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    assert settings["STUDYBOT_PLAYGROUND"] == "off"
    assert all(kind != "Secret" for kind in kinds), "secrets are referenced, never committed"

    broken = tmp_path / "broken.yaml"
    broken.write_text(rendered.read_text().replace("containerPort: 8000", "containerPort: web"))
    assert run(validate, *args, str(broken)).returncode != 0


def test_checkov_finds_nothing_in_deploy(tmp_path: Path) -> None:
    """One scan: the Dockerfile, the Bicep and a search for committed secrets where they are,
    Kubernetes as rendered (the kustomize base alone has no namespace; the overlay gives it
    one). Its one skip is justified in place, in deploy/azure/main.bicep."""
    checkov = tool("checkov")
    rendered = render_production(tmp_path / "rendered").parent
    result = run(
        checkov,
        *("-d", str(DEPLOY), "-d", str(rendered)),
        *("--framework", "dockerfile", "kubernetes", "bicep", "secrets"),
        *("--skip-path", "deploy/kubernetes", "--skip-download", "--compact", "--quiet"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Failed checks: 0" in result.stdout
    assert "kubernetes scan results" in result.stdout
    assert "dockerfile scan results" in result.stdout
    assert "bicep scan results" in result.stdout
    assert "secrets scan results" in result.stdout  # nothing in deploy/ holds a secret
