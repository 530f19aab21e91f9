"""Accessibility checks in the browser tests with axe-core (vendored in tests/e2e/vendor/).

    from tests.e2e.axe import assert_accessible
    assert_accessible(page)  # no serious or critical violation on the page as it is now

axe runs through Playwright's evaluate (the DevTools protocol), not a <script> tag, so a
page under a strict Content-Security-Policy is checked as it is served.
"""

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """The page's axe-core violations of the given impacts (serious and critical)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "async () => await window.axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} – {violation['help']}")
        lines.extend(f"    {' '.join(node['target'])}" for node in violation["nodes"][:5])
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"
