"""Import every module under claims_tracker/ (after django.setup()); exit 1 naming each that fails.

.ci/run runs this in a fresh virtualenv that has requirements.txt only, so a package the code needs
at run time but requirements.txt does not bring (a direct import, an undeclared import of a
dependency, a missing extra) fails CI with the module and the error, not on a user's first request.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")
    import django

    django.setup()
    import claims_tracker

    names = ["claims_tracker"] + [m.name for m in pkgutil.walk_packages(claims_tracker.__path__, "claims_tracker.")]
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - every failure is reported, with its traceback
            failed.append(name)
            print(f"cannot import {name}:\n{traceback.format_exc()}", file=sys.stderr)
    # The broker transports load only when a worker connects; resolve the ones the README offers now.
    from kombu.transport import resolve_transport

    for transport in ("redis", "amqp"):
        try:
            resolve_transport(transport)
        except Exception:  # noqa: BLE001
            failed.append(f"kombu transport {transport}")
            print(f"cannot load the {transport} broker transport:\n{traceback.format_exc()}", file=sys.stderr)
    print(f"imported {len(names) - len(failed)} of {len(names)} modules under claims_tracker/, broker transports too")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
