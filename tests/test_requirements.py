"""requirements.txt names every package the code imports, so a fresh install runs the app.

The imports are read from the source (ast) and from the dotted paths settings.py names as strings
(apps, middleware, backends); each is mapped to the distribution that provides it. A module imported
anywhere under claims_tracker/ whose distribution is not pinned in requirements.txt fails here.
`.ci/run` then installs requirements.txt alone into a fresh virtualenv and imports every module,
which catches what this cannot: a dependency's own undeclared imports, or a missing extra.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "claims_tracker"
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==\S+")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pinned() -> dict[str, str]:
    """Distribution name (normalized) -> the requirement line, for every line of requirements.txt."""
    pinned = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = REQUIREMENT.match(line)
        assert match, f"requirements.txt: {line!r} is not pinned as name==version"
        pinned[_normalize(match.group(1))] = line
    return pinned


def _imported_top_levels() -> dict[str, str]:
    """Top-level module -> one place that imports it (file, or the setting naming it)."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    dotted = [*settings.INSTALLED_APPS, *settings.MIDDLEWARE, *settings.AUTHENTICATION_BACKENDS]
    dotted += [entry["BACKEND"] for entry in settings.STORAGES.values()]
    dotted += [entry["BACKEND"] for entry in settings.TEMPLATES]
    dotted += [*settings.REST_FRAMEWORK.get("DEFAULT_AUTHENTICATION_CLASSES", [])]
    dotted += [settings.REST_FRAMEWORK.get("DEFAULT_SCHEMA_CLASS", "")]
    for name in filter(None, dotted):
        found.setdefault(name.split(".")[0], f"settings: {name}")
    return {
        name: where
        for name, where in found.items()
        if name not in sys.stdlib_module_names and name not in {"claims_tracker", "__future__"}
    }


def test_every_imported_package_is_pinned_in_requirements():
    pinned = _pinned()
    providers = packages_distributions()
    missing = []
    for module, where in sorted(_imported_top_levels().items()):
        distributions = providers.get(module)
        if not distributions:
            missing.append(f"{module} (imported in {where}) is not installed at all")
        elif not any(_normalize(d) in pinned for d in distributions):
            missing.append(f"{module} (imported in {where}) comes from {distributions}, not pinned in requirements.txt")
    assert not missing, "\n".join(missing)


def test_the_check_sees_the_imports_it_must():
    # Guards the reader above: these are imported in known places, one by a settings string only.
    modules = _imported_top_levels()
    assert {"django", "celery", "urllib3", "lxml", "charset_normalizer", "psycopg"} <= set(modules)
    assert modules["whitenoise"].startswith("settings: ")
    assert modules["drf_spectacular_sidecar"].startswith("settings: ")
    assert modules["ipware"] == "claims_tracker/lib/client_ip.py"


def test_the_extras_the_code_paths_need_are_asked_for():
    pinned = _pinned()
    # kombu's Redis transport imports `packaging`, declared only in its [redis] extra.
    assert "[redis]" in pinned["kombu"] or "packaging" in pinned
    # trafilatura imports lxml.html.clean, split out of lxml into its [html-clean] extra.
    assert "[html-clean]" in pinned["lxml"] or "lxml-html-clean" in pinned
