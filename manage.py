#!/usr/bin/env python
import os
import sys
from pathlib import Path


def development_default() -> None:
    """In a checkout (a .git beside this file) with neither DEBUG nor SECRET_KEY set, run with
    the development settings, as `make run` does. Production sets SECRET_KEY (the settings
    require it without DEBUG), and the docker image holds no .git: neither is affected."""
    if os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings") != "config.settings":
        return
    if "DEBUG" in os.environ or "SECRET_KEY" in os.environ:
        return
    if not (Path(__file__).resolve().parent / ".git").exists():
        return
    os.environ["DEBUG"] = "1"  # inherited by runserver's reloaded process: said once
    print(
        "manage.py: neither DEBUG nor SECRET_KEY is set, so this checkout runs with DEBUG=1 "
        "(development settings). Set SECRET_KEY (production) or DEBUG=0 to change that.",
        file=sys.stderr,
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    development_default()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
