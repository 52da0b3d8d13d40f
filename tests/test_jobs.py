"""`--jobs` changes where the work runs, never the result.

With more than one job, worker processes clean the articles and compute their dedupe features;
articles that recurring-line removal changes afterwards get theirs recomputed. The corpus here
spans several worker chunks, has a footer line recurring in every third article (so that
removal changes those and leaves the rest as the workers returned them), and exact and near
copies.
"""

from __future__ import annotations

import errno
import os
import random
import signal
from functools import partial
from pathlib import Path

import pytest

from cleaners.document import Document
from dedupe import core, lsh
from dedupe.parallel import can_fork
from tests.helpers import jobs_asked
from winnow_corpus import runner
from winnow_corpus.errors import OutputError, WorkerLost
from winnow_corpus.runner import RunConfig, RunResult, run_documents
from winnow_corpus.store import DocumentStore
from winnow_corpus.writers import OutputOptions


def word(rng: random.Random) -> str:
    """A made-up word: unrelated articles share few words, as unrelated news does."""
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def article(rng: random.Random, number: int) -> str:
    sentences = [
        f"The {' '.join(word(rng) for _ in range(9))} report {number} said on day {n}."
        for n in range(8)
    ]
    body = "\n\n".join(" ".join(sentences[i : i + 2]) for i in range(0, 8, 2))
    if number % 3:
        return body
    return f"{body}\n\nRead more local stories from the Valley Courier every morning."


# articles per batch task in these tests: the corpus is two full batches and a short one, so
# that two jobs have batches to share, without the run's larger batches
CHUNK = 256


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "CHUNK", CHUNK)


def corpus() -> list[Document]:
    rng = random.Random(4)
    texts = [article(rng, n) for n in range(CHUNK * 2 + 40)]
    texts[10] = texts[3]  # exact
    texts[300] = texts[250].replace("report 250", "report 250 again", 1)  # near
    texts = [
        t if n % 97 else t.replace("Valley Courier", "the Courier") for n, t in enumerate(texts)
    ]
    return [
        Document(id=f"a{n}", text=t, source="j.txt", lines=(n * 20 + 1, n * 20 + 19))
        for n, t in enumerate(texts)
    ]


def outcome(result: RunResult) -> tuple[object, ...]:
    return (
        [(d.id, d.text, [r.to_dict() for r in d.removed]) for d in result.documents],
        [d.id for d in result.dedupe.kept],
        [(d.doc.id, d.duplicate_of, d.tier, d.similarity) for d in result.dedupe.duplicates],
        [(c.id, c.members, c.tier) for c in result.dedupe.clusters],
    )


def test_two_jobs_give_the_same_result_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    one = run_documents(corpus(), RunConfig(jobs=1))
    calls: list[str] = []
    real = core.features_of

    def counted(docs: list[Document], seed: int) -> list[core.DocumentFeatures]:
        calls.extend(doc.id for doc in docs)
        return real(docs, seed)

    monkeypatch.setattr(core, "features_of", counted)
    two = run_documents(corpus(), RunConfig(jobs=2))
    assert outcome(one) == outcome(two)
    # none here: the workers computed every article's, those the footer was removed from too
    footed = sum(1 for d in two.documents if any(r.rule == "footers.recurring" for r in d.removed))
    assert calls == [] and 0 < footed < len(two.documents)
    assert {d.tier for d in one.dedupe.duplicates} >= {"exact", "near"}
    assert any(r.rule == "footers.recurring" for d in one.documents for r in d.removed)


def test_dedupe_loops_forked_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The near and story signatures, the story top-k ranking and the pair checks run in
    forked children with jobs > 1 (here on every slice, however small), and the duplicates,
    clusters and counts are those of one job."""
    docs = corpus()
    one = core.find_duplicates(docs, core.DedupeConfig(), jobs=1)
    monkeypatch.setattr(core, "PARALLEL_LEAST", 1)
    monkeypatch.setattr(core, "SIGNATURE_SLICE", 3)  # the signatures come back in many pieces
    monkeypatch.setattr(lsh, "PARALLEL_DOCUMENTS", 1)
    ranked = jobs_asked(monkeypatch, lsh, "fork_map")
    forked = jobs_asked(monkeypatch, core, "fork_map", "fork_rows")
    two = core.find_duplicates(docs, core.DedupeConfig(), jobs=2)
    assert forked == [2, 2, 2]  # near signatures, story signatures, the candidate checks
    assert ranked == [2]  # the story top-k ranking
    assert [d.id for d in two.kept] == [d.id for d in one.kept]
    assert [(d.doc.id, d.duplicate_of, d.tier, d.similarity) for d in two.duplicates] == [
        (d.doc.id, d.duplicate_of, d.tier, d.similarity) for d in one.duplicates
    ]
    assert [(c.id, c.members) for c in two.clusters] == [(c.id, c.members) for c in one.clusters]
    assert two.stats == one.stats and one.stats["checks"] >= one.stats["candidates"] > 0


@pytest.mark.parametrize("write_ahead", [False, True], ids=["written after", "removals ahead"])
@pytest.mark.parametrize(
    "output, asked",
    [
        (OutputOptions(), [(1, False), (1, True), (2, True)]),
        (
            OutputOptions(compression="gzip", shard_size=100, txt_files=False),
            [(1, False), (2, False), (3, False)],
        ),
    ],
    ids=["jsonl and .txt files", "gzip shards"],
)
def test_output_written_by_forked_writers_is_the_same_as_by_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    output: OutputOptions,
    asked: list[tuple[int, bool]],
    write_ahead: bool,
) -> None:
    """With two jobs the output files are written by forked children at once, reading the
    cleaned articles from a store on disk, the .txt files in a child of their own while the
    rest are written, the articles file in slices where plain JSONL lets them join, and, when
    the run knows it will be written, removed.jsonl while dedupe runs; every byte is the same
    as one job writes."""
    monkeypatch.setattr(runner, "DocumentStore", partial(DocumentStore, spool_bytes=0))
    jobs_asked: list[int] = []
    real = runner.fork_calls
    monkeypatch.setattr(
        runner, "fork_calls", lambda calls, jobs: jobs_asked.append(jobs) or real(calls, jobs)
    )
    txt_forked: list[bool] = []
    real_call = runner.fork_call
    monkeypatch.setattr(
        runner,
        "fork_call",
        lambda call, fork=None: (
            real_call(call) if fork is None else txt_forked.append(fork) or real_call(call, fork)
        ),
    )
    parts: list[int] = []
    real_parts = runner._article_parts

    def counted_parts(*args: object) -> list[runner.ArticlePart]:
        found = real_parts(*args)  # type: ignore[arg-type]
        parts.append(len(found))
        return found

    monkeypatch.setattr(runner, "_article_parts", counted_parts)
    folders = []
    for jobs in (1, 2, 3):  # with 3, writers fork beside the .txt child
        config = RunConfig(jobs=jobs, output=output, temp_dir=tmp_path)
        result = run_documents(corpus(), config, write_ahead=write_ahead)
        assert (result.removed_ahead is not None) == (write_ahead and jobs > 1)
        assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []  # the spool unlinked
        folders.append(tmp_path / f"jobs{jobs}")
        spool = result.removed_ahead
        counts = runner.write_run(result, folders[-1])
        assert result.removed_ahead is None and (spool is None or spool[0].closed)
        assert counts["articles"] == len(result.dedupe.kept) > 0
        assert counts["txt"] == (counts["articles"] if output.txt_files else 0)
    assert list(zip(jobs_asked, txt_forked, strict=True)) == asked
    # plain JSONL: written in one slice per writer; compressed or sharded: whole
    assert parts == ([writers for writers, _ in asked] if output.compression == "none" else [1] * 3)
    names = sorted(p.name for p in folders[0].iterdir())
    for folder in folders[1:]:
        assert names == sorted(p.name for p in folder.iterdir())
    assert len(names) > 5
    for name in names:
        if name != "timings.json":
            for folder in folders[1:]:
                assert (folders[0] / name).read_bytes() == (folder / name).read_bytes(), name


def test_a_writer_failing_in_a_forked_child_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk in one forked writer reaches the caller as a clear error (the CLI prints it
    in one line), and the output folder is not made: nothing half-written is left."""
    result = run_documents(corpus(), RunConfig(jobs=2))
    real = runner.write_lines

    def full_disk(path: Path, *args: object) -> int:
        if path.name.startswith("removed"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "write_lines", full_disk)
    with pytest.raises(OutputError, match=r"No space left on device.*--out"):
        runner.write_run(result, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def _full_disk(*args: object) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


def _killed(*args: object) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


@pytest.mark.skipif(not can_fork(), reason="removals are written ahead by a forked child")
@pytest.mark.parametrize("failure", [_full_disk, _killed], ids=["full temp disk", "child killed"])
def test_removals_written_ahead_failing_are_written_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: object
) -> None:
    """A full temp disk, or the child killed (the out-of-memory killer, say), while
    removed.jsonl is written beside dedupe loses nothing: the run goes on, and `write_run`
    writes the file itself, the same bytes."""
    config = RunConfig(jobs=2, temp_dir=tmp_path, output=OutputOptions(txt_files=False))
    runner.write_run(run_documents(corpus(), config), tmp_path / "after")
    monkeypatch.setattr(runner, "write_lines_to", failure)
    result = run_documents(corpus(), config, write_ahead=True)
    assert result.removed_ahead is None
    runner.write_run(result, tmp_path / "ahead")
    for name in ("removed.jsonl", "articles.jsonl", "report.json"):
        assert (tmp_path / "ahead" / name).read_bytes() == (tmp_path / "after" / name).read_bytes()


def test_the_txt_writer_failing_beside_the_others_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The .txt files are written in a child of their own while the main process writes the
    rest and the report: a full disk there is the same clear error, and nothing is left."""
    result = run_documents(corpus(), RunConfig(jobs=2))

    def full_disk(*args: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runner, "_write_txt_files", full_disk)
    with pytest.raises(OutputError, match=r"No space left on device.*--out"):
        runner.write_run(result, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


_REAL_CLEAN_PACKED = runner._clean_packed


def _killed_on_the_short_chunk(raw: list[bytes], *args: object) -> object:
    """A cleaning worker's task that the kernel kills on the last, short chunk (module level:
    the pool sends its tasks by name)."""
    if len(raw) < CHUNK:
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL_CLEAN_PACKED(raw, *args)  # type: ignore[arg-type]


@pytest.mark.skipif(not can_fork(), reason="the cleaning workers are not forked here")
def test_a_cleaning_worker_killed_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel's out-of-memory killer takes a worker: the run stops with an error that says
    so (the CLI prints it in one line), not an internal error."""
    monkeypatch.setattr(runner, "_clean_packed", _killed_on_the_short_chunk)
    with pytest.raises(WorkerLost, match="killed by signal 9"):
        run_documents(corpus(), RunConfig(jobs=2))


def test_story_signatures_a_group_of_bands_at_a_time_give_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past STORY_SIGNATURE_BYTES the story signatures are computed a few bands at a time
    (here three at a time, in forked children on every slice); the run's result is the same."""
    docs = corpus()
    whole = core.find_duplicates(docs, core.DedupeConfig(), jobs=1)
    monkeypatch.setattr(core, "STORY_SIGNATURE_BYTES", 3 * 8 * len(docs))
    monkeypatch.setattr(core, "PARALLEL_LEAST", 1)
    for jobs in (1, 2):
        grouped = core.find_duplicates(docs, core.DedupeConfig(), jobs=jobs)
        assert [d.id for d in grouped.kept] == [d.id for d in whole.kept]
        assert [(d.doc.id, d.duplicate_of, d.similarity) for d in grouped.duplicates] == [
            (d.doc.id, d.duplicate_of, d.similarity) for d in whole.duplicates
        ]
        assert grouped.stats == whole.stats
