"""Faults a hostile tester found (issue "Papercuts and faults", items 4, 13-16): each case
through the real entry point, `python cli.py ...`."""

from __future__ import annotations

import gzip
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO, SEED, finished, run_cli, start_cli
from winnow_corpus.outdir import FAULT_ENV as SWAP_FAULT


def _ids(out: Path) -> list[str]:
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["id"] for line in lines]


def test_ids_do_not_depend_on_the_inputs_path(tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "renamed.txt"
    moved.parent.mkdir()
    shutil.copy(SEED, moved)
    runs = {
        "seed": run_cli("clean", str(SEED), "--out", str(tmp_path / "a"), "-q", "--no-txt"),
        "moved": run_cli("clean", str(moved), "--out", str(tmp_path / "b"), "-q", "--no-txt"),
        "stdin": run_cli(
            "clean", "-", "--out", str(tmp_path / "c"), "-q", "--no-txt", stdin=SEED.read_bytes()
        ),
    }
    for name, result in runs.items():
        assert result.returncode == 0, (name, result.stderr)
    ids = _ids(tmp_path / "a")
    assert ids and ids == _ids(tmp_path / "b") == _ids(tmp_path / "c")
    moved_records = (tmp_path / "b" / "articles.jsonl").read_text(encoding="utf-8")
    assert str(moved) in moved_records  # the path stays a field
    explained = run_cli("explain", ids[0], "--out", str(tmp_path / "c"))
    assert explained.returncode == 0, explained.stderr


def test_an_id_two_articles_would_share_gets_a_suffix(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(SEED, copy)
    out = tmp_path / "out"
    result = run_cli(
        "clean", str(SEED), str(copy), "--out", str(out), "-q", "--no-txt", "--no-dedupe"
    )
    assert result.returncode == 0, result.stderr
    ids = _ids(out)
    assert len(ids) == len(set(ids))
    plain = [i for i in ids if "-" not in i]
    assert sorted(f"{i}-2" for i in plain) == sorted(i for i in ids if i.endswith("-2"))


def _cli(
    *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=stdin, env=env)


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_a_kill_after_the_atomic_exchange_leaves_the_output_and_is_cleaned_next(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    assert _cli("clean", str(SEED), "--out", str(out), "-q", "--no-txt").returncode == 0
    killed = _cli("clean", str(SEED), "--out", str(out), "-q", env={SWAP_FAULT: "after-exchange"})
    assert killed.returncode == -signal.SIGKILL
    assert (out / "articles.jsonl").is_file()  # never missing: the new output is in place
    assert any(name.endswith(".txt") for name in os.listdir(out))  # the killed run's own
    assert [n for n in _leftovers(out) if ".tmp-" in n]  # the previous output, not yet removed
    again = _cli("clean", str(SEED), "--out", str(out), "-q", "--no-txt")
    assert again.returncode == 0, again.stderr
    assert "An earlier run on" in again.stderr and "removed 1 leftover" in again.stderr
    assert _leftovers(out) == []


def test_a_kill_between_the_fallbacks_two_renames_is_repaired_by_the_next_run(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    assert _cli("clean", str(SEED), "--out", str(out), "-q", "--no-txt").returncode == 0
    before = (out / "articles.jsonl").read_bytes()
    killed = _cli(
        "clean",
        str(SEED),
        "--out",
        str(out),
        "-q",
        "--no-dedupe",
        env={SWAP_FAULT: "fallback,between-renames"},
    )
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists()  # what the two renames risk, and why Linux exchanges instead
    assert [n for n in _leftovers(out) if ".old-" in n]
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    failed = _cli("clean", str(empty), "--out", str(out), "-q")  # nothing to write: exit 2
    assert failed.returncode == 2
    assert "put the previous output back" in failed.stderr
    assert (out / "articles.jsonl").read_bytes() == before
    assert _leftovers(out) == []


def _start(*args: str) -> subprocess.Popen[str]:
    """A run reading stdin, started and left waiting for it: it holds its locks meanwhile."""
    return subprocess.Popen(
        [sys.executable, str(REPO / "cli.py"), *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _holds(lock: Path, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().strip() == str(process.pid):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"{lock} was not taken")


def _feed(process: subprocess.Popen[str], what: str) -> str:
    assert process.stdin is not None
    process.stdin.write(SEED.read_text(encoding="utf-8"))
    process.stdin.close()
    process.stdin = None  # communicate() must not flush the closed pipe
    return finished(process, what)


def test_a_second_run_on_one_output_fails_at_once_naming_the_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _start("clean", "-", "--out", str(out), "-q", "--no-txt")
    _holds(tmp_path / ".out.lock", first)
    # the first run waits on its stdin: a second run that waited for the lock would hang
    second = _cli("clean", str(SEED), "--out", str(out), "-q", "--no-txt")
    assert second.returncode == 2, second.stderr
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and f"pid {first.pid}" in lines[0] and "--wait" in lines[0]
    assert _feed(first, "the first run") == ""
    assert first.returncode == 0
    assert _leftovers(out) == []


def test_wait_takes_turns_and_index_run_numbers_stay_unique(tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    first = _start("clean", "-", "--out", str(tmp_path / "a"), "-q", "--index", str(index))
    _holds(tmp_path / ".index.sqlite.lock", first)
    other = [str(SEED), "--out", str(tmp_path / "b"), "-q", "--no-txt", "--index", str(index)]
    refused = _cli("clean", *other)
    assert refused.returncode == 2
    assert "dedupe index" in refused.stderr and f"pid {first.pid}" in refused.stderr
    waiting = _start("clean", *other, "--wait", "--json")
    assert waiting.stdin is not None
    waiting.stdin.close()
    waiting.stdin = None
    time.sleep(1.0)
    assert waiting.poll() is None  # waits for the first run's lock
    _feed(first, "the first run")
    assert first.returncode == 0
    assert "Waiting for another winnow run" in finished(waiting, "the waiting run")
    assert waiting.returncode == 0
    stats = _cli("index", "stats", str(index))
    assert stats.returncode == 0
    assert "run-0001-" in stats.stdout and "run-0002-" in stats.stdout


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_run(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    seed = SEED.read_text(encoding="utf-8")
    with big.open("w", encoding="utf-8") as handle:
        for copy in range(400):  # ~25 MB: cleaning takes a while
            handle.write(seed.replace("the", f"the{copy}"))
            handle.write("\n\n")
    run = start_cli("clean", str(big), "--out", str(tmp_path / "out"), "--jobs", "2", "-q")
    deadline = time.monotonic() + 120
    family: set[int] = set()
    while time.monotonic() < deadline and len(family) < 3:  # the fork server and two workers
        assert run.poll() is None, run.returncode
        family = _descendants(run.pid)
        time.sleep(0.1)
    assert len(family) >= 3, "the run never started its workers"
    family |= _descendants(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()  # not communicate(): a child left alive would hold its pipes open
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in family):
        time.sleep(0.1)
    left = [pid for pid in family if _alive(pid)]
    for pid in left:  # the test leaves nothing behind, even when it fails
        os.kill(pid, signal.SIGKILL)
    assert not left


# --- bounded memory on hostile input (item 16) ----------------------------------------------------

# Writes MB megabytes of generated lines without one blank line to stdout: one endless article.
ENDLESS_ARTICLE = """
import random, sys
left = int(float(sys.argv[1]) * 1_000_000)
rng = random.Random(0)
words = "harvest river council market winter school bridge railway doctor price".split()
while left > 0:
    lines = (" ".join(rng.choices(words, k=12)).capitalize() + "." for _ in range(2000))
    block = ("\\n".join(lines) + "\\n").encode()
    sys.stdout.buffer.write(block)
    left -= len(block)
"""


def _limited(gigabytes: float) -> Callable[[], None]:
    def limit() -> None:  # in the child: its address space capped, as a small machine would
        size = int(gigabytes * 1e9)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return limit


def _clean_stream(
    megabytes: float, out: Path, *args: str, gigabytes: float = 1.5
) -> subprocess.CompletedProcess[str]:
    """`winnow clean -` on a generated stream (a child process writes it into stdin as it is
    read), under a memory limit."""
    writer = subprocess.Popen(
        [sys.executable, "-c", ENDLESS_ARTICLE, str(megabytes)], stdout=subprocess.PIPE
    )
    try:
        return subprocess.run(
            [sys.executable, str(REPO / "cli.py"), "clean", "-", "--out", str(out), *args],
            stdin=writer.stdout,
            capture_output=True,
            text=True,
            timeout=1800,
            preexec_fn=_limited(gigabytes),
            env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"},
        )
    finally:
        assert writer.stdout is not None
        writer.stdout.close()
        writer.kill()
        writer.wait()


def _split_parts(out: Path) -> list[dict[str, Any]]:
    """Every part written, kept or dropped as a copy of another (cuts of one repeated phrase
    are copies of one another to dedupe, and are listed in duplicates.jsonl)."""
    records = [
        json.loads(line)
        for name in ("articles.jsonl", "duplicates.jsonl")
        if (out / name).exists()
        for line in (out / name).open(encoding="utf-8")
    ]
    return sorted(records, key=lambda r: r["lines"][0])


@pytest.mark.parametrize("how", ["path", "stdin"])
def test_an_endless_binary_input_stops_at_once(tmp_path: Path, how: str) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    if how == "path":
        result = _cli("clean", "/dev/zero", "--out", str(tmp_path / "out"), "-q")
    else:
        with open("/dev/zero", "rb") as zeros:
            result = run_cli(
                "clean", "-", "--out", str(tmp_path), stdin=zeros, preexec_fn=_limited(1.5)
            )
    assert result.returncode == 2, result.stderr
    assert "looks binary" in result.stderr


def test_a_big_gzip_of_zeros_stops_before_it_is_read(tmp_path: Path) -> None:
    zeros = tmp_path / "zeros.txt.gz"
    member = gzip.compress(bytes(1 << 20))  # 1 MB of zeros; gzip members concatenate
    zeros.write_bytes(member * 3000)  # 3 GB of zeros, as the fault probe had, in 3 MB
    result = run_cli("clean", str(zeros), "--out", str(tmp_path / "o"), preexec_fn=_limited(1.5))
    assert result.returncode == 2, result.stderr
    assert "looks binary (NUL byte at offset 0)" in result.stderr


def test_a_nul_byte_past_the_first_bytes_is_binary_too(tmp_path: Path) -> None:
    dump = tmp_path / "late.txt"
    dump.write_bytes(SEED.read_bytes() * 2 + b"\x00 and more text\n")
    for args in ([str(dump)], ["-"]):
        stdin = dump.read_bytes() if args == ["-"] else None
        result = _cli("clean", *args, "--out", str(tmp_path / "out"), "-q", stdin=stdin)
        assert result.returncode == 2, result.stderr
        assert "looks binary" in result.stderr


def test_an_endless_article_is_split_into_marked_parts_in_bounded_memory(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    cap = 500_000
    result = _clean_stream(3, out, "--max-article-bytes", str(cap), "--jobs", "1", "--no-txt")
    assert result.returncode == 0, result.stderr
    assert "split into 7 parts" in result.stderr  # said per file in the summary's notes
    parts = _split_parts(out)
    assert [p["meta"]["split_oversize"]["part"] for p in parts] == list(range(1, 8))
    assert all(len(p["text"].encode()) <= cap for p in parts)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["inputs"][0]["split_oversize"] == {"articles": 1, "parts": 7}
    lines = [line for p in parts for line in p["text"].split("\n")]
    assert len(lines) == parts[-1]["lines"][1]  # every line kept, once


def test_a_line_longer_than_the_cap_is_cut_at_the_cap(tmp_path: Path) -> None:
    dump = tmp_path / "one-line.txt"
    dump.write_text("Headline\n\n" + "word " * 500_000 + "\n", encoding="utf-8")  # 2.5 MB line
    out = tmp_path / "out"
    result = _cli(
        "clean", str(dump), "--out", str(out), "-q", "--no-txt", "--max-article-bytes", "1000000"
    )
    assert result.returncode == 0, result.stderr
    parts = _split_parts(out)
    assert len(parts) == 4  # the headline, then the line in three cuts
    assert all(len(p["text"].encode()) <= 1_000_000 for p in parts)
    body = "".join(p["text"] for p in parts[1:])
    assert body.replace(" ", "") == "word" * 500_000


def test_a_jsonl_record_longer_than_the_cap_is_skipped_with_its_reason(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    short = {"text": "Ferry fares rise\n\nThe ferry company raised fares by two percent today."}
    huge = {"text": "Long report\n\n" + "word " * 700_000}  # 3.5 MB: read in pieces
    lines = [json.dumps(short), json.dumps(huge), json.dumps(short | {"id": "again"})]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _cli(
        "clean", str(records), "--out", str(out), "-q", "--no-txt", "--max-article-bytes", "1000000"
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # documented: some input was skipped
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    (bad,) = report["bad_records"]
    assert bad.startswith(f"{records}:2: record of ") and "longer than --max-article-bytes" in bad
    assert report["counts"]["articles"] == 2


def test_a_parquet_row_longer_than_the_cap_is_skipped_with_its_reason(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    short = "Ferry fares rise\n\nThe ferry company raised fares by two percent today."
    texts = [short, "Long report\n\n" + "word " * 300_000, short + " Again."]
    rows = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"text": texts}), rows)
    out = tmp_path / "out"
    result = _cli(
        "clean", str(rows), "--out", str(out), "-q", "--no-txt", "--max-article-bytes", "1000000"
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    (bad,) = report["bad_records"]
    assert bad.startswith(f"{rows}:2: text of 1,500,013 characters is longer than --max-article")
    assert report["counts"]["articles"] == 2


def test_max_article_bytes_is_checked_in_the_config_and_on_the_command_line(
    tmp_path: Path,
) -> None:
    toml = tmp_path / "winnow.toml"
    toml.write_text('[clean]\nmax_article_bytes = "big"\n', encoding="utf-8")
    bad_type = _cli("clean", str(SEED), "--config", str(toml), "--out", str(tmp_path / "o"))
    assert bad_type.returncode == 2 and "max_article_bytes" in bad_type.stderr
    too_small = _cli("clean", str(SEED), "--max-article-bytes", "10", "--out", str(tmp_path))
    assert too_small.returncode == 2 and "--max-article-bytes" in too_small.stderr


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("WINNOW_HEAVY_TESTS"),
    reason="300 MB through a whole run takes minutes: set WINNOW_HEAVY_TESTS=1 to run it",
)
def test_300_mb_without_a_blank_line_under_a_memory_limit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _clean_stream(300, out, "--no-txt", "-q", "--no-dedupe", gigabytes=3.0)
    assert result.returncode == 0, result.stderr
    parts = _split_parts(out)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["inputs"][0]["split_oversize"] == {"articles": 1, "parts": len(parts)}
    assert len(parts) >= 30 and all(len(p["text"].encode()) <= 10_000_000 for p in parts)
