"""The HTML report, rendered in headless Chromium as a person would look at it."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO

SAMPLE = REPO / "sample_data"
ARTIFACTS = REPO / "tests" / "artifacts"
SAMPLE_RUN = [
    "--haystack",
    str(SAMPLE / "haystack"),
    "--needles",
    str(SAMPLE / "needles"),
    "--no-cache",
    "-q",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of sample_data."""
    from hashsearch.cli import main

    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main([*SAMPLE_RUN, "--report", str(out)]) == 1
    return out


def _expected(capsys: pytest.CaptureFixture[str]) -> dict[str, bool]:
    from hashsearch.cli import main

    capsys.readouterr()
    main([*SAMPLE_RUN, "--json"])
    doc = json.loads(capsys.readouterr().out)
    return {f["folder"]: f["to_import"] for f in doc["folders"]}


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources.append(dict(attrs).get("src") or "")


def test_report_is_self_contained_and_small(report) -> None:
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text and "http://" not in text and "https://" not in text
    parser = _Images()
    parser.feed(text)
    assert parser.sources and all(s.startswith("data:image/jpeg;base64,") for s in parser.sources)
    assert max(len(s) for s in parser.sources) < 15_000  # a pair stays under 30 KB
    # folders to import come first
    verdicts = re.findall(r'data-verdict="(\w+)"', text)
    assert verdicts == sorted(verdicts, key=lambda v: v != "import")


def _browser():
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver, (
        "the report test needs Debian's chromium and chromium-driver "
        "(apt-get install chromium chromium-driver; .ci/run installs them)"
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1100,1400",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


def test_report_renders_every_folder_with_its_verdict_and_images_load(report, capsys) -> None:
    expected = _expected(capsys)
    browser = _browser()
    try:
        browser.get(report.as_uri())
        shown = browser.execute_script(
            "return Array.from(document.querySelectorAll('details.folder')).map("
            "d => [d.dataset.folder, d.dataset.verdict,"
            " d.querySelector('summary .verdict').textContent])"
        )
        browser.execute_script(
            "document.querySelectorAll('details').forEach(d => d.open = true);"
            "document.querySelectorAll('img').forEach(i => i.loading = 'eager');"
        )
        loaded = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "Promise.all(Array.from(document.images).map(i => i.decode().then(() => true,"
            " () => false))).then(r => done([r.length, r.filter(Boolean).length,"
            " Array.from(document.images).every(i => i.naturalWidth > 0)]));"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        browser.execute_script(
            "document.querySelectorAll('details').forEach("
            "d => d.open = d.dataset.verdict === 'import');"
        )
        browser.save_screenshot(str(ARTIFACTS / "report.png"))
    finally:
        browser.quit()
    assert {name: verdict == "import" for name, verdict, _ in shown} == expected
    assert all(
        label == ("to import" if verdict == "import" else "all imported")
        for _, verdict, label in shown
    )
    count, decoded, sized = loaded
    assert count >= 14 and decoded == count and sized, loaded
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
