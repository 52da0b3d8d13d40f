"""report.html in a real browser: filters, pagination and the cluster view work.

Drives Debian's headless Chromium through Playwright's Python package (no downloaded browser).
Skipped, with the reason, when either is missing: `apt-get install chromium` and
`pip install playwright`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_report_html import make_folder
from winnow_corpus.report_html import ARTICLES_PER_PAGE, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright not installed: pip install playwright"
    )
    if CHROMIUM is None:
        pytest.skip(
            "no chromium on PATH: install it with `apt-get install -y chromium` as root "
            "(.ci/run does so only when CI=true)"
        )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=15_000)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    report = write_report(make_folder(tmp_path / "out", timings={"clean": 0.4, "dedupe": 1.1}))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.goto(report.as_uri())
    yield opened
    context.close()
    assert errors == []  # no script error while the test clicked around
    assert requests == [report.as_uri()]  # self-contained: nothing but the file itself


def _visible_titles(page: Any) -> list[str]:
    return [str(t) for t in page.locator("article.doc:visible h3").all_inner_texts()]


def test_reason_filter_and_title_search(page: Any, tmp_path: Path) -> None:
    assert _visible_titles(page) == ["River floods market square", "Assembly passes budget"]
    assert page.locator("#article-count").inner_text() == "2 of 2 sampled articles"

    page.get_by_role("button", name="photo caption").click()
    assert page.get_by_role("button", name="photo caption").get_attribute("aria-pressed") == "true"
    assert _visible_titles(page) == ["River floods market square"]
    struck = page.locator("article.doc:visible del", has_text="Sandbags on a pavement")
    assert struck.is_visible()
    assert struck.get_attribute("title") == (
        "photo caption — captions.photo_credit (source line 6)"
    )
    assert "line-through" in struck.evaluate("e => getComputedStyle(e).textDecorationLine")
    page.screenshot(path=str(tmp_path / "articles.png"), full_page=True)

    page.get_by_role("button", name="nothing removed").click()  # filters combine with "or"
    assert len(_visible_titles(page)) == 2
    page.get_by_role("button", name="photo caption").click()
    assert _visible_titles(page) == ["Assembly passes budget"]
    page.get_by_role("button", name="nothing removed").click()

    page.get_by_placeholder("Search titles…").fill("BUDGET")
    assert _visible_titles(page) == ["Assembly passes budget"]
    page.get_by_placeholder("Search titles…").fill("no such title")
    assert _visible_titles(page) == []
    assert ARTICLES_PER_PAGE >= 2  # both fit on one page, so no pager is drawn
    assert page.locator("#article-pager button").count() == 0


def test_cluster_opens_side_by_side_with_shared_passages(page: Any, tmp_path: Path) -> None:
    rows = page.locator("#cluster-list .cl-row")
    assert rows.count() == 1
    assert "River floods market square" in rows.first.inner_text()
    assert not page.locator(".side.keeper").is_visible()

    rows.first.click()
    assert rows.first.get_attribute("aria-expanded") == "true"
    keeper, duplicate = page.locator(".side.keeper"), page.locator(".side.duplicate")
    assert keeper.is_visible() and duplicate.is_visible()
    assert "River floods market square" in keeper.inner_text()
    assert "Market square under water" in duplicate.inner_text()
    assert "similarity 0.8123" in page.locator(".pairhead").inner_text()
    shared = duplicate.locator("mark.v").first
    assert shared.is_visible() and shared.inner_text().startswith("Shopkeepers moved stock")
    box_keeper, box_duplicate = keeper.bounding_box(), duplicate.bounding_box()
    assert box_keeper["x"] < box_duplicate["x"]  # side by side, not stacked
    assert abs(box_keeper["y"] - box_duplicate["y"]) < 1
    page.locator("#duplicates").screenshot(path=str(tmp_path / "cluster.png"))
    assert (tmp_path / "cluster.png").stat().st_size > 0

    assert page.locator("#tier-filter button").all_inner_texts() == ["near 1 cluster"]
    page.get_by_role("button", name="near 1 cluster").click()
    assert page.locator("#cluster-count").inner_text() == "1 of 1 cluster"
    assert not keeper.is_visible()  # the list is drawn again, folded
    rows.first.click()
    assert keeper.is_visible()
    rows.first.click()  # and folds on a second click
    assert not keeper.is_visible()
    assert rows.first.get_attribute("aria-expanded") == "false"
