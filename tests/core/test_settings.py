import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "ecomops.settings.production",
    "ALLOWED_HOSTS": "ecomops.example.internal",
    "FIELD_ENCRYPTION_KEYS": "m0pQ3M8k1lI6GmKxqE0m2c2oU2h4xjYy8Hq5s2m6dG0=",
    "BLIND_INDEX_KEY": "a-long-random-blind-index-key-for-the-test",
    "CACHE_URL": "redis://127.0.0.1:6379/13",
}
SECRET = "k" * 20 + "-production-secret-" + "x9Q" * 15


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    for cache_url in ("", "locmemcache://", "dummycache://"):
        result = run_manage("check", **{**PRODUCTION, "SECRET_KEY": SECRET, "CACHE_URL": cache_url})
        assert result.returncode != 0, cache_url
        assert "CACHE_URL must be set" in result.stderr, cache_url


def test_production_uses_the_redis_cache():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        SECRET_KEY=SECRET,
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.cache.backends.redis.RedisCache"


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=SECRET,
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_time_zone_and_languages():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
