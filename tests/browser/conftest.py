"""Real-browser tests: the system's Chromium driven by Playwright against a live server.

No browser is ever downloaded: the tests use Debian's ``/usr/bin/chromium`` (or the one
``CHROMIUM_PATH`` names) and are skipped, with the reason, when it or the ``playwright``
package is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django refuses ORM calls
# from a thread with a running loop unless told that this is deliberate (it is: the test
# code is still sequential).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None
    PlaywrightError = Exception

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "the 'playwright' Python package is not importable (pip install playwright)"
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        return (f"no Chromium executable at {CHROMIUM_PATH} "
                "(install Debian's chromium or set CHROMIUM_PATH)")
    return None


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module (each test gets its own context)."""
    if reason := _skip_reason():
        pytest.skip(reason)
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS,
                                         headless=True)
        except PlaywrightError as exc:
            pytest.skip(f"Chromium at {CHROMIUM_PATH} could not be started: {exc}")
        yield browser
        browser.close()


@dataclass
class PageProblems:
    """Everything the browser complained about while the test ran."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.console_errors + self.page_errors + self.csp_violations \
            + self.failed_requests


# Runs in every document before the page's own scripts (injected by the browser, so the
# page's CSP does not apply to it) and reports CSP violations to the test.
_REPORT_CSP = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__tdReportCsp(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                       + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def browser_page(chromium, live_server) -> Iterator[tuple]:
    """``(page, problems)``: a fresh browser context and what went wrong in it."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800},
                                   base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    problems = PageProblems()

    def report_csp(text: str) -> None:
        problems.csp_violations.append(text)

    context.expose_function("__tdReportCsp", report_csp)
    context.add_init_script(_REPORT_CSP)
    page = context.new_page()
    page.on("console", lambda msg: msg.type in ("error", "assert")
            and problems.console_errors.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: problems.page_errors.append(str(exc)))
    # A request the browser itself cancelled because the page moved on (a favicon still
    # loading when a form posts) is not the server failing; every other failure counts.
    page.on("requestfailed", lambda req: req.failure != "net::ERR_ABORTED"
            and problems.failed_requests.append(f"{req.method} {req.url}: {req.failure}"))
    page.on("response", lambda resp: resp.status >= 400 and problems.failed_requests.append(
        f"{resp.request.method} {resp.url}: HTTP {resp.status}"))
    try:
        yield page, problems
    finally:
        context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
