"""The layers of Ballast hold: each app imports only the apps below it, ``web`` (the UI
shell) imports no domain app, and no two apps import each other — the import-linter
contracts of pyproject.toml, run here so that the README's test command checks them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports() -> str:
    found = Path(sys.executable).with_name("lint-imports")
    return str(found) if found.exists() else (shutil.which("lint-imports") or "")


def test_the_layer_contracts_are_kept():
    command = _lint_imports()
    if not command:
        pytest.fail("lint-imports is not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_the_shell_imports_no_domain_app():
    """Read the source as well: no ``ballast.<domain app>`` import in ``ballast/web``,
    even inside a function."""
    domain = [
        "regions",
        "projects",
        "reports",
        "figures",
        "alerts",
        "assessments",
        "coordination",
        "bulletins",
        "imports",
        "dashboards",
        "audit",
        "demo",
    ]
    found = []
    for path in sorted((ROOT / "ballast" / "web").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            text = line.strip()
            if not text.startswith(("from ballast.", "import ballast.")):
                continue
            app = text.split()[1].split(".")[1]
            if app in domain:
                found.append(f"{path.relative_to(ROOT)}:{number}: {text}")
    assert not found, "\n".join(found)
