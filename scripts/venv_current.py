"""Exit 0 when the virtual environment running this script already holds this checkout as installed by
scripts/install: the project installed editable from this directory, from this pyproject.toml (the stamp
scripts/install writes after pip succeeds), and every requirement (with the given extras, recursively) present in a
version that satisfies it. Exit 1 otherwise, saying why, so that scripts/install runs pip again.

Usage: .venv/bin/python scripts/venv_current.py STAMP [EXTRA...]    (STAMP: the file scripts/install writes)
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from importlib import metadata
from pathlib import Path

try:
    from packaging.requirements import Requirement
except ImportError:  # not a requirement of a service-only install; pip, which every venv has, carries a copy
    from pip._vendor.packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def stamp(extras: list[str]) -> str:
    """What scripts/install records after a successful pip run: pyproject's hash, the extras, checkout, Python."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} extras={','.join(sorted(extras))} checkout={ROOT} python={sys.version.split()[0]}\n"


def applies(requirement: Requirement, extras: set[str]) -> bool:
    """Whether this environment needs `requirement`, given the extras asked of the package that lists it."""
    marker = requirement.marker
    return not marker or any(marker.evaluate({"extra": extra}) for extra in extras | {""})


def unmet(requirement: Requirement, seen: set[str]) -> str | None:
    """Why `requirement` is not satisfied here (None when it is), following the extras it asks for."""
    key = f"{requirement.name.lower()}[{','.join(sorted(requirement.extras))}]"
    if key in seen:
        return None
    seen.add(key)
    try:
        dist = metadata.distribution(requirement.name)
    except metadata.PackageNotFoundError:
        return f"{requirement.name} is not installed"
    if not requirement.specifier.contains(dist.version, prereleases=True):
        return f"{requirement.name} {dist.version} does not satisfy {requirement}"
    for text in dist.requires or []:
        child = Requirement(text)
        if applies(child, requirement.extras) and (reason := unmet(child, seen)):
            return reason
    return None


def problem(stamp_file: Path, extras: list[str]) -> str | None:
    if not stamp_file.is_file() or stamp_file.read_text() != stamp(extras):
        return "pyproject.toml, the extras or the checkout changed since the last install"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    try:
        direct = json.loads(metadata.distribution(project["name"]).read_text("direct_url.json") or "{}")
    except metadata.PackageNotFoundError:
        return f"{project['name']} is not installed"
    if direct.get("url") != ROOT.as_uri() or not direct.get("dir_info", {}).get("editable"):
        return f"{project['name']} is not installed editable from {ROOT}"
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project.get("optional-dependencies", {})[extra]
    seen: set[str] = set()
    for text in wanted:
        requirement = Requirement(text)
        if applies(requirement, set()) and (reason := unmet(requirement, seen)):
            return reason
    return None


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--write":
        Path(sys.argv[2]).write_text(stamp(sys.argv[3:]))
        sys.exit(0)
    reason = problem(Path(sys.argv[1]), sys.argv[2:])
    if reason:
        print(f"Installing Python packages: {reason}")
    sys.exit(1 if reason else 0)
