"""Issue 12, point 3: the README's deploy works with DEBUG unset (the full run with gunicorn
and the worker is scripts/prod_smoke.py, run by CI and `make smoke`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fupin.cli import missing_variable_message

ROOT = Path(__file__).resolve().parents[3]


def _production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "FUPIN_TESTING", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    env.update({"PYTHONPATH": str(ROOT), "FUPIN_VAR_DIR": str(tmp_path / "var"),
                "STATIC_ROOT": str(tmp_path / "static"),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **extra})
    return env


def test_a_command_without_secret_key_says_so_in_one_line(tmp_path):
    out = subprocess.run([sys.executable, "-m", "fupin", "check"], env=_production_env(tmp_path),
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert "缺少环境变量 SECRET_KEY" in lines[0] and "Missing environment variable SECRET_KEY" in lines[0]


def test_message_names_any_missing_variable():
    from django.core.exceptions import ImproperlyConfigured

    msg = missing_variable_message(ImproperlyConfigured("Set the DATABASE_URL environment variable"))
    assert msg is not None and "DATABASE_URL" in msg
    assert missing_variable_message(ImproperlyConfigured("something else")) is None


@pytest.mark.slow
def test_collectstatic_with_the_manifest_storage(tmp_path):
    env = _production_env(tmp_path, SECRET_KEY="k" * 50)
    out = subprocess.run([sys.executable, "-m", "fupin", "collectstatic", "--noinput", "-v", "0"],
                         env=env, capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    for name in ("vendor/bootstrap/bootstrap.bundle.min.js", "vendor/bootstrap/bootstrap.min.css",
                 "fupin/fupin.js", "fupin/dashboard.js"):
        assert f'"{name}"' in manifest, name
