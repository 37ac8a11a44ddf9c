"""The `fupin` command: everything `manage.py` does, plus Fupin's own commands
(`fupin demo`, `fupin summary`, `fupin ledger …`, `fupin monitor …`, `fupin report …`)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
