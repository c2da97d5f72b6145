"""Settings come from the environment; production refuses defaults and passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "TOKEN_ENCRYPTION_KEY": "production-token-key",
    "WEBHOOK_APP_SECRET": "production-webhook-secret",
    "WEBHOOK_VERIFY_TOKEN": "production-verify-token",
    "DJANGO_ALLOWED_HOSTS": "social.municipality.example",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
    # Shared by every process: failed logins are counted there (governance.W001).
    "CACHE_URL": "redis://127.0.0.1:6379/2",
}


def run_manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "SIMULATOR_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_warns_when_the_cache_is_kept_per_process():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "CACHE_URL": "locmemcache://"},
    )
    assert result.returncode != 0
    assert "(governance.W001) The default cache is kept per process" in result.stderr


def test_production_refuses_to_start_without_its_secrets():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_oidc_login_is_switched_on_by_environment_variables():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    )
    env = {
        "OIDC_CLIENT_ID": "client-123",
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_SERVER_URL": "https://login.example/tenant/v2.0",
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    app = __import__("json").loads(result.stdout)["openid_connect"]["APPS"][0]
    assert app["client_id"] == "client-123"
    assert app["settings"]["server_url"] == "https://login.example/tenant/v2.0"


def installed_apps(env):
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.INSTALLED_APPS))"
    )
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "SIMULATOR_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return __import__("json").loads(result.stdout)


def test_production_does_not_install_the_simulator():
    assert "simulator" not in installed_apps(PRODUCTION_ENV)
    result = run_manage("simulate_platforms", "--help", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "Unknown command: 'simulate_platforms'" in result.stderr


def test_development_and_the_demo_install_the_simulator():
    assert installed_apps({})[-1] == "simulator"
    on_simulator = {**PRODUCTION_ENV, "SIMULATOR_URL": "http://127.0.0.1:8765"}
    assert installed_apps(on_simulator)[-1] == "simulator"
    assert installed_apps({**PRODUCTION_ENV, "SIMULATOR_ENABLED": "true"})[-1] == "simulator"
    assert "simulator" not in installed_apps({"SIMULATOR_ENABLED": "false"})


def test_production_code_imports_no_simulator_module():
    """Outside the simulator, its tests, the benchmarks and the demo loaders (which import it
    inside the function the demo runs), no module imports the simulator, so production never
    needs it."""
    allowed = {
        ROOT / "moderation" / "polling" / "demo.py",
        ROOT / "listening" / "demo.py",
        ROOT / "strategy" / "demo.py",
    }
    skipped = {"simulator", "benchmarks", "tests", ".venv", "node_modules", "var", ".git"}
    offenders = []
    for folder, subfolders, files in os.walk(ROOT):  # symbolic links are not followed
        subfolders[:] = [name for name in subfolders if name not in skipped]
        for name in files:
            path = Path(folder) / name
            if not name.endswith(".py") or path in allowed:
                continue
            text = path.read_text(encoding="utf-8")
            if "from simulator" in text or "import simulator" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_saml_login_is_switched_on_by_environment_variables():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.SOCIALACCOUNT_PROVIDERS, settings.SAML_ROLE_MAPPING, "
        "settings.SAML_AUTO_SIGNUP]))"
    )
    env = {
        "SAML_IDP_ENTITY_ID": "https://sts.windows.net/tenant-1/",
        "SAML_IDP_SSO_URL": "https://login.microsoftonline.com/tenant-1/saml2",
        # As an environment variable often holds a PEM file: its line breaks written as \n
        "SAML_IDP_X509CERT": (
            "-----BEGIN CERTIFICATE-----\\nMIIC8D\\nCCAdig\\n-----END CERTIFICATE-----"
        ),
        "SAML_PROVIDER_NAME": "Microsoft Entra ID",
        "SAML_SP_ENTITY_ID": "https://some.testby.example/saml",
        "SAML_ROLE_MAPPING": '{"SoMe": {"unit": "Kommunikation", "role": "communications"}}',
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith("SAML_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    providers, mapping, auto_signup = __import__("json").loads(result.stdout)
    app = providers["saml"]["APPS"][0]
    assert (app["name"], app["client_id"]) == ("Microsoft Entra ID", "municipality")
    assert app["settings"]["idp"] == {
        "entity_id": "https://sts.windows.net/tenant-1/",
        "sso_url": "https://login.microsoftonline.com/tenant-1/saml2",
        "x509cert": "MIIC8DCCAdig",
    }
    assert app["settings"]["sp"] == {"entity_id": "https://some.testby.example/saml"}
    assert app["settings"]["advanced"]["want_assertion_signed"] is True
    assert app["settings"]["advanced"]["reject_idp_initiated_sso"] is True
    assert mapping == {"SoMe": {"unit": "Kommunikation", "role": "communications"}}
    assert auto_signup is False
