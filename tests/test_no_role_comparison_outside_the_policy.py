"""Who may do what is decided in one place, ``ballast/accounts/policy.py``: no module or
template outside accounts (and the demo builder) compares a person's role. Pages,
services, commands and templates ask the policy for a named action instead
(``policy.may_do(user, "export_ledger")``, ``{% can "export_ledger" as may %}``)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "ballast"
ROLE_COMPARISON = re.compile(
    r"\.role\s*(==|!=|\bin\b|\bnot in\b)"
    r"|\brole\s*(==|!=)\s*[\"']"
    r"|role__in\s*="
    r"|\brole\s*=\s*Role\."
    r"|\bRole\.[A-Z_]+"
    r"|COMPOSE_ROLES|COCKPIT_ROLES"
)
ALLOWED = ("accounts", "demo")


def _sources():
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in (".py", ".html") or "migrations" in path.parts:
            continue
        if path.relative_to(ROOT).parts[0] in ALLOWED:
            continue
        yield path


def test_no_role_comparison_outside_the_policy():
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_COMPARISON.search(line):
                found.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    assert not found, "role compared outside the policy:\n" + "\n".join(found)


def test_the_pattern_finds_what_it_looks_for():
    """The check itself: each kind of comparison it must catch is caught."""
    for line in (
        'if user.role == "enterprise":',
        "if user.role in COCKPIT_ROLES:",
        "User.objects.filter(role=Role.LEADER)",
        "people.filter(role__in=roles)",
        '{% if user.role == "city_admin" %}',
        "if contact.role != Role.ENTERPRISE:",
    ):
        assert ROLE_COMPARISON.search(line), line
