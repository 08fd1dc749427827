"""Production is described by docker-compose.yml and configured from the environment only."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ENV = {
    "DJANGO_SECRET_KEY": "x" * 20 + "-sample-key-for-the-deploy-check-0123456789abcdef",
    "DATABASE_URL": "postgres://cpro:secret@postgres:5432/cpro",
    "REDIS_URL": "redis://redis:6379/0",
    "CPRO_BASE_DOMAIN": "cpro.example.fr",
}


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_describes_postgres_redis_web_and_worker():
    services = compose()["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "noeviction" in " ".join(services["redis"]["command"])


def test_web_and_worker_get_the_database_and_redis_and_wait_for_them():
    services = compose()["services"]
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "cpro.settings.prod"
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert set(services[name]["depends_on"]) == {"postgres", "redis"}
        assert services[name]["env_file"] == ".env"


def test_web_migrates_before_serving_and_the_worker_runs_celery():
    services = compose()["services"]
    web = " ".join(services["web"]["command"])
    assert web.index("setup_platform") < web.index("gunicorn")
    assert services["worker"]["command"][:3] == ["celery", "-A", "cpro"]


def test_the_env_example_lists_every_variable_compose_and_production_need():
    example = (ROOT / ".env.example").read_text()
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "CPRO_BASE_DOMAIN", "DJANGO_ALLOWED_HOSTS", "EMAIL_HOST"):
        assert f"\n{name}=" in f"\n{example}", name


def test_the_dockerfile_installs_pango_and_runs_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "libpango-1.0-0" in dockerfile and "gunicorn" in dockerfile and "python:3.11" in dockerfile


def run_manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
                          timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        env={**SAMPLE_ENV, "DJANGO_SETTINGS_MODULE": "cpro.settings.prod"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_database_url():
    env = {k: v for k, v in SAMPLE_ENV.items() if k != "DATABASE_URL"}
    result = run_manage("check", env={**env, "DJANGO_SETTINGS_MODULE": "cpro.settings.prod"})
    assert result.returncode != 0 and "DATABASE_URL est obligatoire" in result.stderr
