"""report.html: structure, removed lines in place, shared passages, escaping, determinism, size.

The output folders are built by hand (texts written for these tests), in the shape `write_run`
gives them, so the page is tested without running the pipeline.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from winnow_corpus.errors import InputError
from winnow_corpus.report_html import (
    ARTICLES_PER_REASON,
    article_key,
    merge_body,
    render_report,
    shared_spans,
    write_report,
)
from winnow_corpus.writers import iter_output_records, output_records_at

FLOOD = (
    "Flood water reached the old market square in Porto Velho on Sunday night.\n"
    "\n"
    "Shopkeepers moved stock to upper floors as the river rose past its 1997 mark.\n"
    "\n"
    "The city council opened three schools as shelters for families from low streets."
)
FLOOD_COPY = (
    "Shopkeepers moved stock to upper floors as the river rose past its 1997 mark, a local "
    "radio station reported.\n"
    "\n"
    "The city council opened three schools as shelters for families from low streets, "
    "the mayor said."
)
BUDGET = (
    "The regional assembly passed its budget after a twelve-hour session.\n"
    "\n"
    "Spending on rural bus lines doubles next year under the plan."
)


def _removal(text: str, reason: str, rule: str, line: int) -> dict[str, Any]:
    return {"text": text, "reason": reason, "rule": rule, "line": line}


def make_folder(
    root: Path,
    articles: list[dict[str, Any]] | None = None,
    duplicates: list[dict[str, Any]] | None = None,
    report: dict[str, Any] | None = None,
    timings: dict[str, float] | None = None,
) -> Path:
    """An output folder as `write_run` writes it: two articles, one duplicate in one cluster."""
    if articles is None:
        articles = [
            {
                "id": "a1",
                "title": "River floods market square",
                "text": FLOOD,
                "meta": {"byline": "Marta Quental", "dateline": "PORTO VELHO", "dates": ["x"]},
                "source": "dump.txt",
                "lines": [1, 12],
                "line_numbers": [4, 5, 7, 8, 11],
                "removed": [
                    _removal("By Marta Quental", "byline", "boilerplate.byline", 3),
                    _removal("PORTO VELHO – ", "dateline", "headlines.dateline", 4),
                    _removal(
                        "Sandbags on a pavement. Photo: R. Lins/Agência",
                        "photo caption",
                        "captions.photo_credit",
                        6,
                    ),
                    _removal("Share on Facebook", "share line", "boilerplate.share", 10),
                    _removal("Updated 7 May 2021 09:14", "timestamp", "boilerplate.timestamp", 12),
                ],
                "cluster": "k1",
            },
            {
                "id": "a2",
                "title": "Assembly passes budget",
                "text": BUDGET,
                "meta": {},
                "source": "dump.txt",
                "lines": [14, 19],
                "line_numbers": [16, 17, 18],
                "removed": [],
                "cluster": None,
            },
        ]
    if duplicates is None:
        duplicates = [
            {
                "id": "d1",
                "title": "Market square under water",
                "source": "other.txt",
                "lines": [1, 5],
                "duplicate_of": "a1",
                "duplicate_of_title": "River floods market square",
                "tier": "near",
                "similarity": 0.8123,
                "cluster": "k1",
                "text": FLOOD_COPY,
                "meta": {},
            }
        ]
    if report is None:
        report = {
            "inputs": [
                {"source": "dump.txt", "kind": "dump", "encoding": "utf-8", "articles": 2},
                {"source": "other.txt", "kind": "dump", "encoding": "cp1252", "articles": 1},
            ],
            "counts": {
                "inputs": 2,
                "articles": 3,
                "kept": 2,
                "duplicates": 1,
                "clusters": 1,
                "lines_removed": 5,
            },
            "removed_by_reason": {
                "byline": 1,
                "dateline": 1,
                "photo caption": 1,
                "share line": 1,
                "timestamp": 1,
            },
            "removed_by_rule": {"boilerplate.byline": 1, "captions.photo_credit": 1},
            "duplicates_by_tier": {"near": 1},
            "clusters": [
                {
                    "id": "k1",
                    "tier": "near",
                    "keeper": "a1",
                    "members": [
                        {"id": "a1", "title": "River floods market square", "similarity": 1.0},
                        {"id": "d1", "title": "Market square under water", "similarity": 0.8123},
                    ],
                }
            ],
            "bad_records": [],
        }
    root.mkdir(parents=True, exist_ok=True)
    for name, records in (("articles.jsonl", articles), ("duplicates.jsonl", duplicates)):
        with open(root / name, "w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    (root / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    if timings is not None:
        (root / "timings.json").write_text(json.dumps(timings), encoding="utf-8")
    return root


def _cluster_index(page: str) -> list[list[Any]]:
    found = re.search(r'<script type="application/json" id="cluster-index">(.*?)</script>', page)
    assert found is not None
    return list(json.loads(found.group(1)))


def test_overview_lists_inputs_reasons_tiers_and_stages(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, timings={"clean": 1.25, "read+split": 0.5})
    assert "1.25 s" not in render_report(folder)  # the default page is the same on every run
    page = render_report(folder, timings=True)
    assert page.startswith("<!DOCTYPE html>")
    for reason in ("byline", "dateline", "photo caption", "share line", "timestamp"):
        assert f"{reason}: 1</title>" in page  # a bar in the SVG chart
        assert f">{reason} <small>" in page  # a filter button, which is also the legend
    assert "<code>other.txt</code>" in page and "cp1252" in page
    assert "1.25 s" in page and page.index("read+split") < page.index(">clean<")
    assert '<span class="tier t-near">near</span>' in page


def test_no_timings_file_is_said_not_hidden(tmp_path: Path) -> None:
    assert "No timings.json" in render_report(make_folder(tmp_path), timings=True)


def test_removed_lines_are_struck_in_source_order(tmp_path: Path) -> None:
    page = render_report(make_folder(tmp_path))
    body = page[page.index('data-title="river floods market square"') :]
    body = body[: body.index("</article>")]
    order = [
        "By Marta Quental",
        "PORTO VELHO – ",
        "Flood water reached",
        "Sandbags on a pavement",
        "Shopkeepers moved",
        "Share on Facebook",
        "The city council",
        "Updated 7 May 2021",
    ]
    places = [body.index(snippet) for snippet in order]
    assert places == sorted(places)
    # the dateline is a span of kept line 4: struck inline, right before the kept text
    assert re.search(r'<del class="r\d+" title="[^"]*">PORTO VELHO – </del>Flood water', body)
    assert 'title="photo caption — captions.photo_credit (source line 6)"' in body
    assert body.count("<del ") == 5
    assert "<dt>byline</dt><dd>Marta Quental</dd>" in body


def test_every_cluster_and_its_pair_is_on_the_page(tmp_path: Path) -> None:
    page = render_report(make_folder(tmp_path))
    index = _cluster_index(page)
    assert [entry[0] for entry in index] == ["k1"]
    assert index[0][1] == "near" and index[0][2] == "River floods market square"
    assert index[0][3] == [["Market square under water", 0.8123]]
    detail = page[page.index(f'id="cl-{index[0][4]}"') :]
    assert "similarity <b>0.8123</b>" in detail
    assert 'class="side keeper"' in detail and 'class="side duplicate"' in detail
    assert '<mark class="v">Shopkeepers moved stock to upper floors as the river rose' in detail


def test_merge_body_places_removals_between_kept_lines() -> None:
    rows = merge_body(
        "one\n\ntwo",
        [2, 0, 5],
        [
            _removal("tail", "footer", "footers.x", 9),
            _removal("cap", "caption", "captions.x", 4),
            _removal("head", "byline", "boilerplate.x", 1),
            _removal("pre ", "dateline", "headlines.x", 2),
        ],
    )
    shown = [(row.line, row.kept, [r["text"] for r in row.struck]) for row in rows]
    assert shown == [
        (1, None, ["head"]),
        (2, "one", ["pre "]),
        (0, "", []),  # a synthesised blank line stays where the text has it
        (4, None, ["cap"]),
        (5, "two", []),
        (9, None, ["tail"]),
    ]


def test_merge_body_without_a_line_map_counts_from_the_first_line() -> None:
    rows = merge_body("a\nb", [], [_removal("x", "r", "c.r", 11)], first_line=10)
    assert [(row.line, row.kept) for row in rows] == [(10, "a"), (11, "b")]
    assert rows[1].struck[0]["text"] == "x"


def test_shared_spans_marks_copied_passages_and_leaves_unrelated_text() -> None:
    a = "Ferry services to the islands resume on Friday after the storm."
    b = "After the storm, ferry services to the islands resume on Friday, the port said."
    spans_a, _ = shared_spans(a, b)
    assert [a[s:e] for s, e, kind in spans_a if kind == "v"] == [
        "Ferry services to the islands resume on Friday"
    ]
    # near miss: the same topic in other words shares no 5-gram and no content-word pair
    assert shared_spans(a, "Boats are running again to the coast.") == ([], [])


def test_input_is_escaped_everywhere(tmp_path: Path) -> None:
    evil_script = "<script>alert(1)</script>"
    evil_img = '"><img src=x onerror=alert(2)>'
    evil = f"{evil_script} {evil_img} <!-- </"
    article = {
        "id": f"e1{evil_img}",
        "title": f"Title {evil}",
        "text": f"Body {evil}\n\nMore {evil_script}",
        "meta": {f"key{evil_img}": evil, "dates": [evil]},
        "source": f"src{evil}",
        "lines": [1, 4],
        "line_numbers": [2, 3, 4],
        "removed": [_removal(f"cut {evil}", f"reason {evil}", f"rule.{evil}", 1)],
        "cluster": "k1",
    }
    duplicate = {
        "id": "d1",
        "title": f"Dup {evil}",
        "source": "s",
        "lines": [1, 2],
        "duplicate_of": f"e1{evil_img}",
        "tier": f"near{evil_img}",
        "similarity": 0.9,
        "cluster": "k1",
        "text": f"Body {evil}",
    }
    report = {
        "inputs": [{"source": evil, "kind": evil, "encoding": evil, "notes": [evil], "error": ""}],
        "counts": {"articles": 1},
        "removed_by_reason": {f"reason {evil}": 1},
        "removed_by_rule": {f"rule.{evil}": 1},
        "duplicates_by_tier": {f"near{evil_img}": 1},
        "clusters": [
            {
                "id": f"k1{evil}",
                "tier": f"near{evil_img}",
                "keeper": f"e1{evil_img}",
                "members": [
                    {"id": f"e1{evil_img}", "title": f"Title {evil}", "similarity": 1.0},
                    {"id": "d1", "title": f"Dup {evil}", "similarity": 0.9},
                ],
            }
        ],
        "bad_records": [evil],
    }
    page = render_report(
        make_folder(tmp_path, [article], [duplicate], report, timings={f"s{evil}": 1.0}),
        timings=True,
    )
    assert evil_script not in page
    assert "<img" not in page and "onerror=alert(2)>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert page.count("<script") == 3  # the cluster index, the page sizes and the page's code
    assert page.count("</script>") == 3
    assert page.count("<!--") == 0
    index = _cluster_index(page)  # the JSON still reads back to the very same strings
    assert index[0][0] == f"k1{evil}" and index[0][2] == f"Title {evil}"


def test_same_folder_gives_byte_identical_page(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "out", timings={"clean": 0.1})
    first = write_report(folder)
    assert first == folder / "report.html"
    data = first.read_bytes()
    assert write_report(folder).read_bytes() == data
    assert render_report(folder).encode() == data
    assert sorted(p.name for p in folder.iterdir()) == [
        "articles.jsonl",
        "duplicates.jsonl",
        "report.html",
        "report.json",
        "timings.json",
    ]  # no temporary file left behind


def test_a_folder_without_report_json_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no report\.json"):
        render_report(tmp_path)


def test_page_is_self_contained(tmp_path: Path) -> None:
    page = render_report(make_folder(tmp_path))
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page)
    assert "@import" not in page and "url(" not in page


SENTENCES = [
    "Council members met on {d} to discuss the harbour works and the new tram line {n}.",
    "Residents of district {n} said the noise had lasted for {d} weeks without a pause.",
    "The agency reported that exports of grain rose by {n} percent compared with {d}.",
    "Teachers in the northern valley held a vote on {d} about the shorter school week {n}.",
    "Engineers said the bridge number {n} would reopen in {d} after repairs to its deck.",
]
REASONS = [
    ("byline", "boilerplate.byline"),
    ("dateline", "headlines.dateline"),
    ("photo caption", "captions.photo_credit"),
    ("share line", "boilerplate.share"),
    ("timestamp", "boilerplate.timestamp"),
    ("newsletter prompt", "footers.newsletter"),
    ("republisher footer", "footers.republisher"),
    ("editor credit", "boilerplate.editor_credit"),
]


def _big_folder(root: Path, articles: int = 20_000, clusters: int = 2_000) -> Path:
    """A 20k-article output folder: eight reasons, most articles with some removals."""
    days = ["Monday", "Tuesday", "March", "spring", "autumn"]
    records = []
    for i in range(articles):
        paragraphs = [
            SENTENCES[(i + k) % len(SENTENCES)].format(n=i + k, d=days[(i * 7 + k) % 5]) * 2
            for k in range(8)
        ]
        text = "\n\n".join(paragraphs)
        removed = [
            _removal(f"{REASONS[(i + k) % 8][0]} {i}", *REASONS[(i + k) % 8], 2 + 2 * k)
            for k in range(i % 4)
        ]
        records.append(
            {
                "id": f"{i:016x}",
                "title": f"Story number {i} about the harbour works",
                "text": text,
                "meta": {"byline": f"Writer {i % 97}", "dates": [f"{i % 28 + 1} May 2021"]},
                "source": f"dump{i // 1000:03d}.txt",
                "lines": [1, 30],
                "line_numbers": list(range(3, 3 + 15)),
                "removed": removed,
                "cluster": None,
            }
        )
    cluster_list = [
        {
            "id": f"c{c:012x}",
            "tier": ("exact", "near", "story")[c % 3],
            "keeper": f"{c * 7:016x}",
            "members": [
                {"id": f"{c * 7:016x}", "title": f"Story number {c * 7} about the harbour"},
                {"id": f"d{c:015x}", "title": f"Copy {c} of a story about the harbour works"},
            ],
        }
        for c in range(clusters)
    ]
    duplicates = [
        {
            "id": f"d{c:015x}",
            "title": f"Copy {c}",
            "text": records[c * 7]["text"],
            "tier": cluster_list[c]["tier"],
            "similarity": 0.9,
            "cluster": cluster_list[c]["id"],
            "source": "x.txt",
            "lines": [1, 2],
            "duplicate_of": f"{c * 7:016x}",
        }
        for c in range(clusters)
    ]
    report = {
        "inputs": [
            {"source": f"dump{k:03d}.txt", "kind": "dump", "articles": 1000} for k in range(20)
        ],
        "counts": {"articles": articles + clusters, "kept": articles, "clusters": clusters},
        "removed_by_reason": {name: 1 for name, _ in REASONS},
        "clusters": cluster_list,
    }
    return make_folder(root, records, duplicates, report)


@pytest.mark.slow
def test_a_20k_article_run_stays_small_and_lists_every_cluster(tmp_path: Path) -> None:
    folder = _big_folder(tmp_path)
    page = write_report(folder).read_bytes()
    assert len(page) < 5_000_000
    text = page.decode()
    index = _cluster_index(text)
    assert len(index) == 2_000 and len({entry[0] for entry in index}) == 2_000
    assert sum(1 for entry in index if entry[4] >= 0) == 90  # 30 per tier open side by side
    shown = re.findall(r'<article class="doc" data-r="([^"]*)"', text)
    per_tag = Counter(tag for tags in shown for tag in tags.split())
    assert sorted(per_tag) == ["n"] + [f"r{i}" for i in range(len(REASONS))]
    # each article is taken while one of its reasons is under the cap, so the sample is bounded
    assert len(shown) <= (len(REASONS) + 1) * ARTICLES_PER_REASON
    assert min(per_tag.values()) == ARTICLES_PER_REASON  # every reason gets its full sample
    assert f"the first {ARTICLES_PER_REASON} in file order for each removal reason" in text


def test_keys_from_the_run_give_the_page_read_from_the_files(tmp_path: Path) -> None:
    """`write_run` gives the key of each article it wrote, and the page then parses only the
    records it shows: the page is the one read from the files. Where the keys do not fit the
    files (a key too many) every record is read. A record holding U+2028, which JSON leaves
    unescaped, is still one record."""
    folder = _big_folder(tmp_path / "out", articles=1_500, clusters=150)
    keys = [article_key(record) for record in iter_output_records(folder, "articles")]
    page = render_report(folder)
    assert render_report(folder, articles=keys) == page
    assert render_report(folder, articles=[*keys, keys[0]]) == page
    path = folder / "articles.jsonl"
    lines = path.read_text(encoding="utf-8").split("\n")
    record = json.loads(lines[3])
    record["title"] += "\u2028and\u0085more\u2029"
    lines[3] = json.dumps(record, ensure_ascii=False, sort_keys=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    assert len(list(iter_output_records(folder, "articles"))) == len(keys)
    found = output_records_at(folder, "articles", {3}, len(keys))
    assert found is not None and found[3]["title"].endswith("\u2028and\u0085more\u2029")
    assert render_report(folder, articles=keys) == render_report(folder)
