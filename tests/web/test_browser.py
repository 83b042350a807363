"""A real browser (Playwright driving Debian's chromium) against ``motorobs serve`` with
real MediaPipe analysis: sign in, add a child, upload a sample clip, wait for its report,
open it and the child's page; review the clip (a note, a mark), set a goal, read the
child's trends and flags and download the child's PDF (read back, drawn, not blank); the
screenshots must not be blank and no page logs an error (the CSP blocks nothing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.web.test_queue import free_port

pytestmark = pytest.mark.mediapipe

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "a long test password"
CLIP = "a_midline_reach__top.mp4"


def not_blank(path: Path) -> None:
    """A screenshot with real content: many shades, and not mostly one colour."""
    from PIL import Image

    image = Image.open(path).convert("L")
    histogram = image.histogram()
    pixels = image.width * image.height
    assert sum(1 for n in histogram if n) > 20, f"{path}: too few shades"
    assert max(histogram) < 0.97 * pixels, f"{path}: almost one colour"


@pytest.fixture
def served(tmp_path, model_dir):
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} missing: apt-get install chromium")
    pytest.importorskip("playwright")
    motorobs = shutil.which("motorobs") or str(Path(sys.executable).parent / "motorobs")
    data = tmp_path / "data"
    add = subprocess.run([motorobs, "users", "add", "alice", "--data-dir", str(data)],
                         input=PASSWORD + "\n", text=True, capture_output=True)
    assert add.returncode == 0, add.stderr
    port = free_port()
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen([motorobs, "serve", "--port", str(port), "--data-dir", str(data),
                               "--workers", "1", "--fps", "5", "--model-dir", str(model_dir)],
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                httpx.get(url + "/login", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        yield url, data
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def test_a_therapist_uploads_a_clip_and_reads_its_report_in_a_browser(served, tmp_path,
                                                                      sample_videos):
    from playwright.sync_api import sync_playwright

    url, data = served
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(url + "/children")
        assert "/login" in page.url
        page.fill("#username", "alice")
        page.fill("#password", PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_url(url + "/children")

        page.fill("#code", "K-017")
        page.fill("#birth_date", "2026-05-01")
        page.fill("#due_date", "2026-06-15")
        page.click("button:has-text('Add child')")
        page.wait_for_selector("h1:has-text('K-017')")
        assert "corrected age" in page.inner_text("main")

        page.set_input_files("#files", str(sample_videos / CLIP))
        page.click("#upload-button")
        page.wait_for_selector("text=queued for analysis", timeout=60_000)
        page.wait_for_selector("tr.clip a.button:has-text('Report')", timeout=240_000)
        page.screenshot(path=shots / "child.png", full_page=True)
        child_text = page.inner_text("main")
        assert CLIP in child_text and "done" in child_text and "Recording" in child_text

        page.click("tr.clip a.button:has-text('Report')")
        page.wait_for_selector("iframe#report")
        frame = page.frame_locator("iframe#report")
        frame.locator("h1").wait_for()
        assert "Motor observation report" in frame.locator("h1").inner_text()
        page.screenshot(path=shots / "clip.png", full_page=True)

        report = browser.new_page(viewport={"width": 1200, "height": 900})
        report.context.add_cookies(page.context.cookies())
        report.goto(page.url + "/report.html")
        report.wait_for_selector("h1")
        report.screenshot(path=shots / "report.png", full_page=True)

        review_the_clip_and_read_the_trends(page, shots, tmp_path)
        browser.close()
    for name in ("child.png", "clip.png", "report.png", "review.png", "trends.png",
                 "pdf.png"):
        not_blank(shots / name)
    assert len(os.listdir(data / "videos")) == 1
    (clip_dir,) = (data / "results").iterdir()
    assert (clip_dir / "report.html").is_file() and (clip_dir / "landmarks.parquet").is_file()


def review_the_clip_and_read_the_trends(page, shots: Path, tmp_path: Path) -> None:
    """On the clip page: a note and a mark through the forms; on the child's page: a goal,
    the trends and flags, and the PDF downloaded and read back."""
    import pypdf
    import pypdfium2

    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.fill("#note-text", "Filmed after a feed; a calm clip.")
    page.click("button:has-text('Add the note')")
    page.wait_for_selector("li.clip-note:has-text('a calm clip')")
    page.select_option("#metric", "reaches_per_min")
    page.select_option("#side", "left")
    page.fill("#reason", "the hand was hidden")
    page.click("button:has-text('Mark as not trustworthy')")
    page.wait_for_selector("li.marked:has-text('the hand was hidden')")
    assert "marked untrustworthy by alice" in page.inner_text("main")
    page.screenshot(path=shots / "review.png", full_page=True)

    page.click("text=← K-017")
    page.wait_for_selector("h2#trends")
    page.fill("#minutes_per_day", "20")
    page.click("button:has-text('Set the goal')")
    page.wait_for_selector("text=The goal is set.")
    main = page.inner_text("main")
    assert "20 min a day" in main and "goal 140 min a week" in main
    assert page.locator("svg.trend").count() >= 1
    assert "Flags" in main and "never a diagnosis" in main
    assert "Tummy time recorded" in main or "Reaches per minute" in main
    page.locator("summary:has-text('Every value')").click()
    assert "marked by alice" in page.inner_text("table.values")
    page.screenshot(path=shots / "trends.png", full_page=True)
    with page.expect_download() as download:
        page.click("#child-pdf")
    pdf = tmp_path / "child.pdf"
    download.value.save_as(pdf)
    assert problems == []
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(pdf).pages)
    assert "K-017" in text and "age (months" in text  # the child's code and a plot
    assert "the hand was hidden" in text and "a calm clip" in text
    document = pypdfium2.PdfDocument(str(pdf))
    document[0].render(scale=1).to_pil().save(shots / "pdf.png")
