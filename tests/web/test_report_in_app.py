"""The clip report as the web app serves it: under the app's report Content-Security-Policy
(no script, nothing fetched, images inline) a real browser shows it without a blocked
resource or console error, in the sandboxed iframe of the clip page, summary first."""

from __future__ import annotations

from pathlib import Path

import pytest

from motorobs.config import ReportConfig
from motorobs.report import write_clip_outputs
from motorobs.web.routes.api import REPORT_POLICY
from tests.report.sample_clip import sample_clip_result
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

APP = "http://motorobs.test"


@pytest.fixture
def report_html(tmp_path) -> bytes:
    write_clip_outputs(sample_clip_result("a_midline_reach__top"), tmp_path, ReportConfig())
    return (tmp_path / "report.html").read_bytes()


def test_report_under_the_apps_policy_in_its_iframe(report_html):
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} missing: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    clip_page = (f'<!DOCTYPE html><html><body><iframe id="report" title="Report" '
                 f'src="{APP}/clips/1/report.html" sandbox="allow-same-origin" '
                 'style="width:1200px;height:800px"></iframe></body></html>').encode()
    problems: list[str] = []

    def serve(route):  # the app, answered in the browser: nothing leaves the machine
        url = route.request.url
        if url == f"{APP}/clips/1":
            route.fulfill(status=200, body=clip_page, content_type="text/html")
        elif url == f"{APP}/clips/1/report.html":
            route.fulfill(status=200, body=report_html, content_type="text/html",
                          headers={"content-security-policy": REPORT_POLICY})
        else:
            problems.append(f"request: {url}")
            route.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", serve)
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(
            f"console: {m.text}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.goto(f"{APP}/clips/1")
        frame = page.frame_locator("iframe#report")
        frame.locator("#summary .finding").first.wait_for()
        summary = frame.locator("#summary").inner_text()
        frame.locator("svg.timeline a[href^='#kf-']").first.click()  # works without scripts
        shown = frame.locator(".key-frame:target img").evaluate("i => i.naturalWidth")
        browser.close()
    assert "crossed the midline" in summary
    assert shown > 0
    assert problems == []
