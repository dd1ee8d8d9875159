#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
    from django.core.management import execute_from_command_line

    from claims_tracker.embedded_db import for_command

    # With DATABASE_URL unset, a database command needs the embedded PostgreSQL: the running one,
    # or one started for this command alone.
    with for_command(sys.argv):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
