"""`--engine ray` gives exactly the local engine's result: documents, duplicates, clusters, stats.

One local Ray session (2 CPUs, no dashboard) serves the whole module, since starting Ray takes
seconds. The corpus is generated here with a fixed seed: unrelated reports, an exact copy, a
lightly edited copy, the same event retold in other words, a footer recurring across outlets,
two input formats and one malformed JSONL record.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dedupe import DedupeConfig
from winnow_corpus import runner
from winnow_corpus.errors import ConfigError, WinnowError
from winnow_corpus.io import InputFile
from winnow_corpus.runner import RunConfig, RunResult, run

TOWNS = ["Harlow", "Dunmere", "Castleford", "Pellingham", "Oxbury", "Trelawn", "Mistley", "Kenbury"]
SUBJECTS = ["council", "hospital", "school", "harbour board", "library", "bus company", "museum"]
VERBS = ["approved", "delayed", "rejected", "announced", "paused", "expanded", "reviewed"]
OBJECTS = ["a budget", "a new wing", "the repairs", "a timetable", "the lease", "a survey"]
PEOPLE = ["residents", "nurses", "pupils", "traders", "drivers", "volunteers", "landlords"]
FEELINGS = ["welcomed", "questioned", "opposed", "praised", "doubted", "celebrated"]
WHEN = ["on Tuesday", "last week", "after a long meeting", "before the holiday", "overnight"]
EXTRA = ["despite rain", "with little notice", "to some surprise", "as expected", "at last"]
FOOTER = "Reporting for the regional desk; send tips to the newsroom by phone or letter."


SYLLABLES = ["ka", "lo", "mer", "tin", "vas", "ru", "pel", "dor", "sen", "fi", "gau", "bri"]


def name(rng: random.Random) -> str:
    """A made-up place or person name: what makes one story's vocabulary its own."""
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()


def sentence(rng: random.Random, names: list[str]) -> str:
    """A local-news sentence naming this story's own people and places."""
    a, b, c = rng.sample(names, 3)
    return (
        f"The {rng.choice(SUBJECTS)} in {a} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
        f"{rng.choice(WHEN)} {rng.choice(EXTRA)}, and {b} {rng.choice(PEOPLE)} "
        f"{rng.choice(FEELINGS)} it while {c} said {rng.randint(10, 9999)} had signed."
    )


def report(rng: random.Random, number: int) -> tuple[str, str]:
    names = [name(rng) for _ in range(20)]
    title = f"{names[0]} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} plan {number}"
    paragraphs = [" ".join(sentence(rng, names) for _ in range(3)) for _ in range(3)]
    return title, "\n\n".join([*paragraphs, FOOTER])


def corpus(folder: Path) -> list[InputFile]:
    rng = random.Random(6)
    stories = [report(rng, n) for n in range(24)]
    exact_title, exact_body = stories[3]
    near_title, near_body = stories[5]
    near_body = near_body.replace(" said ", " told reporters ", 1)
    retold_title = "Coastal line trains to run later, operator says"
    retold_body = (
        "Later trains are coming to the coastal line. The railway operator told passengers in "
        "Oxbury and Kenbury that its new timetable, costing 47 million, runs the last service "
        "after midnight from next month.\n\n"
        "Commuters who had campaigned for later trains welcomed the change, though some said "
        "fares were still too high.\n\n"
        "Departures at 23:40 and 00:15 from Oxbury will call at Kenbury, Hale Cross and Morrow "
        "Bay, the operator said, with half-hourly weekend trains through the summer season and "
        "extra carriages on match days at the Kenbury stadium."
    )
    original_title = "Railway announces new coastal line timetable"
    original_body = (
        "The railway operator announced a new timetable for the coastal line through Oxbury and "
        "Kenbury on Tuesday, with a last service after midnight, at a cost of 47 million.\n\n"
        "Commuters welcomed the later trains, which campaigners in both towns had sought for "
        "years, but warned fares remained high.\n\n"
        "The 23:40 and 00:15 departures from Oxbury stop at Kenbury, Hale Cross and Morrow Bay. "
        "Weekend trains will run every half hour during the summer season, and match days at "
        "the Kenbury stadium get extra carriages, the operator said."
    )
    first = [*stories[:12], (original_title, original_body), (exact_title, exact_body)]
    dump = "\n\n-----\n\n".join(f"{t}\n\n{b}" for t, b in first) + "\n"
    (folder / "a.txt").write_text(dump, encoding="utf-8")
    records = [{"title": t, "text": b} for t, b in stories[12:]]
    records += [
        {"title": near_title, "text": near_body},
        {"title": retold_title, "text": retold_body},
    ]
    lines = [json.dumps(r) for r in records] + ['{"title": "broken", "text": ']
    (folder / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [InputFile(str(folder / "a.txt"), "dump"), InputFile(str(folder / "b.jsonl"), "jsonl")]


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    ray = pytest.importorskip(
        "ray", reason="Ray is an optional extra: pip install 'winnow-corpus[ray]'"
    )
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def assert_same(local: RunResult, distributed: RunResult) -> None:
    assert distributed.inputs == local.inputs
    assert [str(b) for b in distributed.bad_records] == [str(b) for b in local.bad_records]
    # the local engine's articles wait on disk (`winnow_corpus.store`): compared as lists
    assert list(distributed.documents) == list(local.documents)
    assert list(distributed.dedupe.kept) == list(local.dedupe.kept)
    assert distributed.dedupe.duplicates == local.dedupe.duplicates
    assert distributed.dedupe.clusters == local.dedupe.clusters
    assert distributed.dedupe.stats == local.dedupe.stats


def test_ray_engine_equals_local(
    ray_session: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = corpus(tmp_path)
    local = run(inputs, RunConfig())
    distributed = run(inputs, RunConfig(engine="ray"))
    assert_same(local, distributed)
    # batches of five articles: many tasks in flight at once, their answers taken in order
    monkeypatch.setattr(runner, "CHUNK", 5)
    assert_same(local, run(inputs, RunConfig(engine="ray")))
    assert_same(local, run(inputs, RunConfig(jobs=2)))
    # the corpus exercises every tier and the recurring-footer aggregation
    assert {d.tier for d in local.dedupe.duplicates} == {"exact", "near", "story"}
    assert any(r.rule == "footers.recurring" for d in local.documents for r in d.removed)
    assert local.bad_records


def test_missing_ray_names_the_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` raise ImportError
    with pytest.raises(WinnowError, match=r"pip install 'winnow-corpus\[ray\]'"):
        run(corpus(tmp_path), RunConfig(engine="ray"))


def test_unknown_engine_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="--engine must be one of local, ray"):
        RunConfig(engine="spark")


def test_ray_engine_leaves_common_words_out_as_local_does(
    ray_session: None, tmp_path: Path
) -> None:
    # a cap of 2 leaves every word of more than two articles out of the story signatures
    # (`dedupe.core.signable_words`): both engines sign the same words, and no bucket is skipped
    dedupe = DedupeConfig(story_max_bucket=2, story_max_depth=3)
    inputs = corpus(tmp_path)
    local = run(inputs, RunConfig(dedupe=dedupe))
    distributed = run(inputs, RunConfig(engine="ray", dedupe=dedupe))
    assert_same(local, distributed)
    assert local.dedupe.stats["candidates_story"] > 0
    assert local.dedupe.stats["story_buckets_skipped"] == 0


def test_ray_engine_equals_local_with_the_calibrated_score(
    ray_session: None, tmp_path: Path
) -> None:
    # one scoring place (`dedupe.core._Checker.story_scores`) and one furniture mask
    # (`winnow_corpus.story_text`) for both engines
    dedupe = DedupeConfig(story_model="shipped")
    inputs = corpus(tmp_path)
    local = run(inputs, RunConfig(dedupe=dedupe))
    distributed = run(inputs, RunConfig(engine="ray", dedupe=dedupe))
    assert_same(local, distributed)
    assert local.dedupe.stats["candidates_story"] > 0


def test_ray_engine_checks_against_an_index_as_local_does(
    ray_session: None, tmp_path: Path
) -> None:
    from dedupe.index import update_index

    inputs = corpus(tmp_path)
    first = run(inputs[:1], RunConfig())
    index = tmp_path / "earlier.sqlite"
    update_index(index, first.dedupe.kept, [inputs[0].display], DedupeConfig())
    local = run(inputs, RunConfig(index=index, index_mode="check"))
    distributed = run(inputs, RunConfig(engine="ray", index=index, index_mode="check"))
    assert_same(local, distributed)
    # every article of the first input was indexed: each is now a duplicate of its earlier self
    assert len(local.dedupe.duplicates) >= len(first.dedupe.kept)


def test_a_batch_task_error_is_raised_as_itself_on_ray(
    ray_session: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "_clean_packed", _refuses)
    with pytest.raises(ValueError, match="refused on purpose"):
        run(corpus(tmp_path), RunConfig(engine="ray"))


def _refuses(*args: object) -> object:
    """A batch task that fails (module level: Ray sends the task by name)."""
    raise ValueError("refused on purpose")
