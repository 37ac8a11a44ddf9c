"""The `fupin` command: everything `manage.py` does, plus Fupin's own commands
(`fupin demo`, `fupin summary`, `fupin ledger …`, `fupin monitor …`, `fupin report …`).

A setting missing from the environment (e.g. SECRET_KEY when DEBUG is off) ends the command
with one line naming the variable, in Chinese and English, and exit status 2 — no traceback.
"""

import os
import re
import sys

_MISSING = re.compile(r"Set the (\w+) environment variable")

# What each variable is for, named in the one-line message.
HINTS = {
    "SECRET_KEY": "生产环境必须设置（开发、试用时可设 DEBUG=1）/ required in production "
                  "(for development or a trial set DEBUG=1)",
}


def missing_variable_message(exc: BaseException) -> str | None:
    """The one-line message for a settings error caused by a missing variable, else None."""
    match = _MISSING.search(str(exc))
    if not match:
        return None
    name = match.group(1)
    hint = HINTS.get(name, "请在环境或 .env 文件中设置 / set it in the environment or .env")
    return f"缺少环境变量 {name} / Missing environment variable {name}: {hint}"


def recover_on_worker_start() -> None:
    """A worker starting means any job still "running" on this host lost its worker: mark
    those failed (fupin.core.jobs.recover_stale_jobs) before taking new ones."""
    import django

    django.setup()
    from fupin.core.jobs import recover_stale_jobs

    marked = recover_stale_jobs(on_worker_start=True)
    if marked:
        sys.stderr.write(f"已将 {marked} 个中断的后台任务标记为失败 / marked {marked} "
                         "interrupted job(s) failed\n")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        if sys.argv[1:2] == ["db_worker"]:
            recover_on_worker_start()
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        message = missing_variable_message(exc)
        if message is None:
            raise
        sys.stderr.write(message + "\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
