"""A real browser (Playwright driving Debian's headless chromium) opens the report of a
sample clip from disk with the network blocked: no console error, no failed request, not
blank, the summary on screen without scrolling at 1280 x 800; clicking an event shows its
key frame; printed, the folded parts are gone and the PDF's pages are not blank."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest

from motorobs.config import ReportConfig
from motorobs.report import write_clip_outputs
from tests.report.sample_clip import sample_clip_result
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, not_blank

CLIP = "a_midline_reach__top"
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / CLIP
    write_clip_outputs(sample_clip_result(CLIP), out, ReportConfig())
    return out / "report.html"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} missing: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page whose requests off the disk are refused, with every console error, page
    error, refused and failed request recorded."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(
            f"failed: {r.url} {r.failure}"))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.problems.append(f"network: {url}")
            route.abort()


def pdf_pages(pdf: bytes) -> tuple[int, list[bytes]]:
    """The number of pages of a PDF and its decompressed content streams (chromium writes
    each page's drawing as one Flate-compressed stream)."""
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    streams = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        start = match.end()
        end = pdf.find(b"endstream", start)
        try:
            streams.append(zlib.decompressobj().decompress(pdf[start:end]))
        except zlib.error:
            continue  # images and fonts in other encodings
    return pages, streams


def test_report_opens_from_disk_with_the_network_blocked(browser, report_file, tmp_path):
    watched = Watched(browser)
    page = watched.page
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")
    assert watched.problems == []
    page.screenshot(path=tmp_path / "screen.png")
    not_blank(tmp_path / "screen.png")
    summary = page.locator("#summary").bounding_box()
    assert summary["y"] >= 0 and summary["y"] + summary["height"] <= VIEWPORT["height"]
    assert page.locator("#summary .finding").count() >= 3
    assert "crossed the midline" in page.locator("#summary").inner_text()
    assert page.evaluate("window.scrollY") == 0

    # clicking a crossing in the timeline shows its key frame
    page.locator("svg.timeline a[href^='#kf-']").first.click()
    target = page.evaluate("location.hash")
    assert re.fullmatch(r"#kf-\d+", target)
    frame = page.locator(target).bounding_box()
    assert 0 <= frame["y"] < VIEWPORT["height"]
    images = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth)")
    assert images and all(images)
    assert watched.problems == []
    watched.context.close()


def test_report_prints_the_summary_timeline_and_details(browser, report_file, tmp_path):
    watched = Watched(browser)
    page = watched.page
    page.goto(report_file.as_uri())
    page.emulate_media(media="print")
    hidden = page.evaluate("[...document.querySelectorAll('details')]"
                           ".every(d => getComputedStyle(d).display === 'none')")
    assert hidden  # no folded widget on paper
    for part in ("#summary", "#timeline svg.timeline", "#details table"):
        assert page.locator(part).first.is_visible(), part
    page.screenshot(path=tmp_path / "print.png", full_page=True)
    not_blank(tmp_path / "print.png")
    pdf = page.pdf(format="A4", print_background=True)
    pages, streams = pdf_pages(pdf)
    drawn = [s for s in streams if re.search(rb"\bT[Jj]\b", s) or re.search(rb"\bDo\b", s)]
    assert 1 <= pages <= 12
    assert len(drawn) >= pages  # every page draws text or an image
    assert watched.problems == []
    watched.context.close()
