"""winnow: turn raw text dumps into a clean, deduplicated corpus.

A thin shell over the library: each command builds a config from its options, calls
`winnow_corpus` (which composes `cleaners` and `dedupe`), renders what came back with rich, and
maps errors to exit codes: 0 success; 1 finished, but some inputs were skipped; 2 usage or
input error, nothing processed; 3 internal error (a bug: run again with --debug for the
traceback); 130 interrupted; 143 terminated (SIGTERM).
`--debug` goes before or after a command's name (`winnow --debug clean`, `winnow clean --debug`).
A closed output pipe (`winnow rules | head -1`) ends the command quietly with exit code 0.
"""

from __future__ import annotations

# isort: off
import os

# polars reads its thread count when it is imported: one thread per process, so that --jobs N
# (N processes) keeps at most N cores busy (README, "Speed"); a value the user set stands.
os.environ.setdefault("POLARS_MAX_THREADS", "1")
import winnow_corpus.interrupt  # first: a Ctrl-C during the imports below exits cleanly
import winnow_corpus.dependencies  # noqa: F401  then: a missing package is named, not a traceback

# isort: on
import itertools
import json
import logging
import shlex
import signal
import sys
import threading
import traceback
import webbrowser
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from cleaners.reasons import summary_reason
from cleaners.rules import iter_rules
from dedupe import DedupeConfig
from dedupe.core import STORY_MODELS
from dedupe.index import DedupeIndex, remove_index, update_index
from winnow_corpus.config import load_config
from winnow_corpus.errors import ERRORS, WinnowError
from winnow_corpus.io import check_output_dir, resolve_inputs
from winnow_corpus.outdir import RunLock, recover_output
from winnow_corpus.report_html import write_report
from winnow_corpus.runner import (
    MAX_ARTICLE_BYTES,
    RunConfig,
    RunResult,
    build_report,
    run,
    write_run,
)
from winnow_corpus.writers import (
    COMPRESSIONS,
    FORMATS,
    SCHEMAS,
    OutputOptions,
    iter_output_records,
)

if TYPE_CHECKING:
    from winnow_corpus.evaluation import EvalTable

DEFAULT_INPUT = Path("corpus/raw")
DEFAULT_OUTPUT = Path("corpus/clean")
DEFAULT_INDEX = Path("corpus/index.sqlite")

EXIT_OK, EXIT_SKIPPED, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process SIGTERM ended


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is (the same clean-up), with its own exit code."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    if _in_fork_hook(frame):
        # Python prints and ignores what an at-fork hook raises: the run would go on to the end
        # (exit 0, a traceback on stderr). Sent again a moment later from another thread, the
        # signal is taken once the hook has returned (the delay lets this handler return first:
        # a signal sent at once would come back into it, still inside the hook, while it waits
        # for the thread to start).
        resend = threading.Timer(RESEND_SIGTERM_S, os.kill, (os.getpid(), signal.SIGTERM))
        resend.daemon = True
        resend.start()
        return
    raise Terminated


RESEND_SIGTERM_S = 0.05


def _in_fork_hook(frame: FrameType | None) -> bool:
    """Whether `frame` runs inside `_unblock_sigterm` called as an at-fork hook: a SIGTERM
    that came while it was blocked across the fork is delivered as the hook unblocks it."""
    while frame is not None:
        if frame.f_code is _unblock_sigterm.__code__:
            return True
        frame = frame.f_back
    return False


_forking = threading.local()  # whether SIGTERM was blocked in the forking thread already


def _block_sigterm() -> None:
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    _forking.blocked = signal.SIGTERM in before


def _unblock_sigterm() -> None:
    if not getattr(_forking, "blocked", False):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _default_sigterm() -> None:
    """In a forked child: SIGTERM ends it at once, as the kernel does by default.

    A Python handler cannot: it runs only between bytecodes, and a SIGTERM that lands just
    before a blocking call (a pool worker waiting for its queue's lock) leaves the child
    waiting forever while the parent, which sent it to stop the pool, waits for it to exit.
    SIGTERM is blocked across the fork, so one sent at that moment is delivered here, after
    the default action is back."""
    if signal.getsignal(signal.SIGTERM) is _on_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _unblock_sigterm()


os.register_at_fork(
    before=_block_sigterm, after_in_parent=_unblock_sigterm, after_in_child=_default_sigterm
)


class ClosedPipe(Exception):
    """Whoever read our output stopped reading (`winnow rules | head -1`): not an error."""


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich's own handler raises SystemExit(1), which reads as "some inputs skipped"
        self.quiet = True
        raise ClosedPipe


out_console = _Console(highlight=False)
err_console = _Console(stderr=True, highlight=False)

_debug = False  # set by --debug wherever it is typed (before or after the command's name)


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    global _debug
    if value:
        _debug = True
        logging.getLogger().setLevel(logging.DEBUG)


DEBUG_HELP = "Show tracebacks and debug logging (also accepted before the command's name)."
F = TypeVar("F", bound=Callable[..., Any])


def debug_option(command: F) -> F:
    """`--debug` on a command, so `winnow clean --debug` works as `winnow --debug clean` does."""
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help=DEBUG_HELP,
    )(command)


class WinnowGroup(click.Group):
    """A group whose commands all accept `--debug`, and where a closed pipe is not an error
    (click turns a `BrokenPipeError` into exit code 1 before our own handler sees it)."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any(param.name == "debug" for param in cmd.params):
            debug_option(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise ClosedPipe from exc


class Failure(click.ClickException):
    """A one-line error with its exit code (click prints it as `Error: ...`)."""

    def __init__(self, message: str, exit_code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        # click 8.3 types exit_code as a ClassVar; click reads it from the instance all the same
        self.exit_code = exit_code  # type: ignore[misc]


@click.group(
    cls=WinnowGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="winnow-corpus", prog_name="winnow")
@click.option(
    "--debug",
    is_flag=True,
    is_eager=True,
    callback=_set_debug,
    help="Show tracebacks and debug logging (also accepted after the command's name).",
)
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Winnow: split raw text dumps into articles, clean them (every removal with a reason)
    and remove duplicates, from verbatim copies to the same story retold by another outlet.

    Example: winnow clean            (reads corpus/raw/, writes corpus/clean/)
    """
    ctx.obj = {"debug": debug}
    logging.basicConfig(level=logging.DEBUG if _debug else logging.WARNING, format="%(message)s")
    if ctx.invoked_subcommand is None:  # `winnow` alone asks for help: exit 0
        click.echo(ctx.get_help())
        ctx.exit(EXIT_OK)


@main.command()
@click.argument("inputs", nargs=-1, type=str)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="Output folder (replaced atomically at the end of the run).",
)
@click.option("--keep-duplicates", is_flag=True, help="Keep duplicates in the output, annotated.")
@click.option("--dry-run", is_flag=True, help="Show the report without writing anything.")
@click.option("--no-dedupe", is_flag=True, help="Clean only; skip duplicate detection.")
@click.option("--split-on", metavar="REGEX", help="Also split where a whole line matches REGEX.")
@click.option("--text-field", default="text", show_default=True, help="JSONL/Parquet text field.")
@click.option(
    "--max-article-bytes",
    type=int,
    default=MAX_ARTICLE_BYTES,
    show_default=True,
    help="Split an article longer than this (UTF-8 bytes) into parts, at the last blank line "
    "under it, else at a line end (a longer line is cut); each part is kept, marked in "
    "meta.split_oversize and counted per file in the report. A JSONL or Parquet record "
    "longer than this is skipped as a bad record with its reason.",
)
@click.option("--ascii-quotes", is_flag=True, help="Straighten curly quotes.")
@click.option(
    "--disable",
    "disabled",
    multiple=True,
    metavar="RULE",
    help="Switch a rule off by name (repeatable); `winnow rules` lists them.",
)
@click.option(
    "--near-threshold",
    type=float,
    default=DedupeConfig().near_threshold,
    show_default=True,
    help="Word 5-gram Jaccard for near-verbatim copies.",
)
@click.option(
    "--story-threshold",
    type=float,
    default=DedupeConfig().story_threshold,
    show_default=True,
    help=(
        'Cosine for same-story duplicates with [dedupe] story_model = "off" (lower finds '
        "more, less precisely); with the calibrated score (the default), the plain cosine a "
        "story join's witness pair must reach (0.7 x this; two lone articles 0.9 x)."
    ),
)
@click.option("--strict", is_flag=True, help="Stop at the first malformed JSONL record.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes for cleaning; 0 means one per CPU core. Output does not depend on it.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where the batch tasks run: this machine's --jobs workers, or Ray tasks "
    "(pip install 'winnow-corpus[ray]'). Same output.",
)
@click.option(
    "--address",
    "ray_address",
    metavar="ADDRESS",
    help="With --engine ray: the cluster (auto, ray://host:10001); none starts a local Ray.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A winnow.toml; options given on the command line override it.",
)
@click.option(
    "--index",
    "index_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also dedupe against the articles of earlier runs kept in this SQLite index "
    "(e.g. corpus/index.sqlite; created on first use).",
)
@click.option(
    "--index-mode",
    type=click.Choice(["update", "check"]),
    default="update",
    show_default=True,
    help="update: add this run's kept articles to the index after writing; check: only look up.",
)
@click.option(
    "--output-format",
    type=click.Choice(FORMATS),
    default=OutputOptions().format,
    show_default=True,
    help="Format of the articles file(s); parquet needs pip install 'winnow-corpus[parquet]'.",
)
@click.option(
    "--compression",
    type=click.Choice(COMPRESSIONS),
    default=OutputOptions().compression,
    show_default=True,
    help="Compress the JSONL files (.gz, .zst) or Parquet columns; zstd needs the zstd extra.",
)
@click.option(
    "--shard-size",
    type=click.IntRange(min=0),
    default=OutputOptions().shard_size,
    show_default=True,
    help="Articles per file (articles-00000.jsonl, ...); 0 writes one file.",
)
@click.option(
    "--schema",
    type=click.Choice(SCHEMAS),
    default=OutputOptions().schema,
    show_default=True,
    help="winnow: Winnow's article record; input: each input record's own fields (text "
    "cleaned) plus a `winnow` field.",
)
@click.option(
    "--txt/--no-txt",
    "txt_files",
    default=OutputOptions().txt_files,
    show_default=True,
    help="Also write one NNNN-slug.txt per kept article.",
)
@click.option(
    "--temp-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where cleaned articles wait on disk until they are written (an unlinked temporary "
    "file); default: the output folder's parent, not a RAM-backed /tmp.",
)
@click.option(
    "--wait",
    is_flag=True,
    help="When another run is writing the same --out (or --index), wait for it instead of "
    "stopping at once with exit 2.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the run's summary as one JSON object on stdout instead of tables.",
)
@click.pass_context
def clean(
    ctx: click.Context,
    inputs: tuple[str, ...],
    out: Path,
    keep_duplicates: bool,
    dry_run: bool,
    no_dedupe: bool,
    split_on: str | None,
    text_field: str,
    max_article_bytes: int,
    ascii_quotes: bool,
    disabled: tuple[str, ...],
    near_threshold: float,
    story_threshold: float,
    strict: bool,
    jobs: int,
    engine: str,
    ray_address: str | None,
    config_path: Path | None,
    index_path: Path | None,
    index_mode: str,
    output_format: str,
    compression: str,
    shard_size: int,
    schema: str,
    txt_files: bool,
    temp_dir: Path | None,
    wait: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Split, clean and deduplicate dumps into a clean corpus.

    INPUTS are files (.txt, .txt.gz, .txt.zst, .text, .jsonl, .jsonl.gz, .jsonl.zst, .ndjson,
    .json.gz, .parquet), folders of them, or `-` for stdin; with none, reads corpus/raw/.
    The output goes to --out, relative to the current folder (the summary's first line says
    where).

    Example: winnow clean corpus/raw/ --out corpus/clean/ --keep-duplicates
    """
    config = run_config(config_path)

    def given(name: str) -> bool:
        """True when the option was typed (or no config file sets it): it wins."""
        source = ctx.get_parameter_source(name)
        return config_path is None or source is click.core.ParameterSource.COMMANDLINE

    asked = set(disabled) | config.clean.disabled_rules
    known = (
        {rule.name for rule in iter_rules()}
        | {f"custom.{name}" for name, _, _ in config.clean.custom_rules}
        if asked  # the rule registry loads the rules, which a run's workers load anyway
        else set()
    )
    unknown = sorted(asked - known)
    if unknown:
        raise Failure(f"unknown rule(s) {', '.join(unknown)}; `winnow rules` lists them")
    try:
        dedupe_config = replace(
            config.dedupe,
            near_threshold=near_threshold
            if given("near_threshold")
            else config.dedupe.near_threshold,
            story_threshold=(
                story_threshold if given("story_threshold") else config.dedupe.story_threshold
            ),
        )
    except ValueError as exc:
        raise Failure(str(exc)) from exc
    clean_options = replace(
        config.clean,
        ascii_quotes=ascii_quotes or config.clean.ascii_quotes,
        disabled_rules=config.clean.disabled_rules | frozenset(disabled),
    )
    config = replace(
        config,
        clean=clean_options,
        dedupe=dedupe_config,
        deduplicate=config.deduplicate and not no_dedupe,
        keep_duplicates=keep_duplicates or config.keep_duplicates,
        split_on=split_on if split_on is not None else config.split_on,
        max_article_bytes=(
            max_article_bytes if given("max_article_bytes") else config.max_article_bytes
        ),
        text_field=text_field if given("text_field") else config.text_field,
        strict=strict or config.strict,
        jobs=(jobs or os.cpu_count() or 1) if given("jobs") else config.jobs,
        engine=engine if given("engine") else config.engine,
        ray_address=ray_address if ray_address is not None else config.ray_address,
    )
    try:
        output = OutputOptions(
            format=output_format if given("output_format") else config.output.format,
            compression=compression if given("compression") else config.output.compression,
            shard_size=shard_size if given("shard_size") else config.output.shard_size,
            schema=schema if given("schema") else config.output.schema,
            txt_files=txt_files if given("txt_files") else config.output.txt_files,
        )
        output.check_dependencies()
    except WinnowError as exc:
        raise Failure(str(exc)) from exc
    config = replace(
        config,
        index=index_path if index_path is not None else config.index,
        index_mode=index_mode if given("index_mode") else config.index_mode,
        output=output,
        temp_dir=_spill_folder(temp_dir or config.temp_dir, out),
    )
    if not inputs and not DEFAULT_INPUT.is_dir():
        raise Failure(
            f"no inputs given, and no {DEFAULT_INPUT}/ folder in {Path.cwd()}: pass the dumps to "
            "clean (files, folders, or - for stdin), e.g. `winnow clean dump.txt --out clean/`"
        )
    paths = list(inputs) or [str(DEFAULT_INPUT)]
    sources = resolve_inputs(paths)
    if not dry_run:
        check_output_dir(out, sources, paths)
    indexed: dict[str, Any] | None = None
    with ExitStack() as locks:  # one run at a time on an output folder and on an index
        if not dry_run:
            locks.enter_context(RunLock(out, "output folder", wait))
            repaired = recover_output(out)  # what a killed run left; under the lock only
            if repaired:
                err_console.print(repaired, soft_wrap=True)
        if config.index is not None:
            locks.enter_context(RunLock(config.index, "dedupe index", wait))
        result = _run_with_progress(sources, config, quiet, write_ahead=not dry_run)
        if not result.documents:
            problems = "; ".join(item.error for item in result.skipped) or "no articles found"
            raise Failure(f"nothing to write: {problems}")
        if not dry_run:
            write_run(result, out)
            if config.index is not None and config.index_mode == "update":
                # only now: an interrupted run leaves the index as it was
                names = [item.source for item in result.inputs]
                run_id, added = update_index(config.index, result.dedupe.kept, names, config.dedupe)
                indexed = {"path": str(config.index), "run_id": run_id, "added": added}
    code = EXIT_SKIPPED if result.skipped or result.bad_records else EXIT_OK
    report = build_report(result)
    written = None if dry_run else out
    samples = sample_articles(result.dedupe.kept)
    if as_json:
        summary = json_summary(report, result.timings, written, samples, code)
        click.echo(json.dumps({**summary, "index": indexed}, ensure_ascii=False, indent=2))
    elif not quiet:
        pairs = ((summary_reason(rule, reason), rule) for reason, rule in result.summary().removals)
        render_summary(report, result.timings, written, rules_by_reason(pairs), samples)
        if indexed is not None:
            out_console.print(
                f"Indexed {indexed['added']} articles as {indexed['run_id']} in "
                f"[bold]{config.index}[/]"
            )
        render_next_steps(written, samples)
    for item in result.skipped:
        err_console.print(f"[yellow]skipped[/] {item.error}", soft_wrap=True)
    if code != EXIT_OK:
        ctx.exit(code)


def _spill_folder(given: Path | None, out: Path) -> Path:
    """Where cleaned articles wait for writing: the folder asked for, or the output folder's
    nearest existing ancestor (the disk that must hold the output anyway; the system temp
    folder is often RAM-backed)."""
    if given is not None:
        if not given.is_dir():
            raise Failure(f"--temp-dir {given}: not an existing folder")
        return given
    folder = out.resolve().parent
    while not folder.is_dir():
        folder = folder.parent
    return folder


class CountColumn(ProgressColumn):
    """`done/total`, or `done` alone while the total is not known (never `10/None`)."""

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        return Text(done if task.total is None else f"{done}/{int(task.total):,}")


def run_config(config_path: Path | None) -> RunConfig:
    """The command's settings: a config file's over the command's defaults, which use every
    core (a file that does not set `jobs` runs like no file, not on one core as a library
    caller's `RunConfig()` does)."""
    defaults = RunConfig(jobs=os.cpu_count() or 1)
    return load_config(config_path, defaults) if config_path else defaults


def _run_with_progress(
    sources: Sequence[Any], config: RunConfig, quiet: bool, write_ahead: bool
) -> RunResult:
    if quiet:
        return run(sources, config, write_ahead=write_ahead)
    columns = (
        TextColumn("{task.description:<8}"),
        BarColumn(),
        CountColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as bars:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total or None)
            bars.update(tasks[stage], completed=done, total=total or None)

        return run(sources, config, progress, write_ahead)


# clusters listed in the terminal summary: a 1 GB run has tens of thousands, and a table of them
# all took longer to print than some stages took to run; the output files list every one
SUMMARY_CLUSTERS = 20


def largest_clusters(clusters: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The `limit` clusters with the most members, in the report's order among equals."""
    ranked = sorted(enumerate(clusters), key=lambda item: (-len(item[1]["members"]), item[0]))
    return [cluster for _, cluster in sorted(ranked[:limit], key=lambda item: item[0])]


EXIT_MEANINGS = {
    EXIT_OK: "success",
    EXIT_SKIPPED: "finished, but some inputs or records were skipped (each is named)",
}
SAMPLE_ARTICLES = 3  # ids with titles in the summary: what `winnow explain ID` needs
SAMPLE_SCAN = 200  # kept articles looked at for ones with removals (a 1 GB run has 400,000)


def sample_articles(docs: Iterable[Any], limit: int = SAMPLE_ARTICLES) -> list[dict[str, Any]]:
    """A few kept articles to name in the summary, those with removed lines first (they are
    what `winnow explain` shows best), from the first `SAMPLE_SCAN` only."""
    seen: list[dict[str, Any]] = []
    for doc in itertools.islice(docs, SAMPLE_SCAN):
        removed = doc["removed"] if isinstance(doc, dict) else doc.removed
        seen.append(
            {
                "id": str(doc["id"] if isinstance(doc, dict) else doc.id),
                "title": (doc.get("title") if isinstance(doc, dict) else doc.title) or "",
                "removed": len(removed or []),
            }
        )
    ranked = sorted(range(len(seen)), key=lambda i: (seen[i]["removed"] == 0, i))
    return [seen[i] for i in sorted(ranked[:limit])]


def rules_by_reason(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """reason -> the rules that removed lines for it, from (reason, rule) pairs."""
    found: dict[str, set[str]] = {}
    for reason, rule in pairs:
        found.setdefault(reason, set()).add(rule)
    return found


def _output_files(out: Path) -> tuple[list[str], int]:
    """The files of an output folder but its .txt files, and how many .txt files there are."""
    names, txt = [], 0
    with os.scandir(out) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.name.endswith(".txt"):
                txt += 1
            else:
                names.append(entry.name)
    return sorted(names), txt


def json_summary(
    report: dict[str, Any],
    timings: dict[str, float],
    out: Path | None,
    samples: list[dict[str, Any]],
    code: int,
) -> dict[str, Any]:
    """What `winnow clean --json` prints: the run's summary as one object."""
    files, txt = _output_files(out) if out is not None else ([], 0)
    return {
        "exit_code": code,
        "exit_meaning": EXIT_MEANINGS[code],
        "output": str(out.resolve()) if out is not None else None,
        "files": files,
        "txt_files": txt,
        "counts": report["counts"],
        "removed_by_reason": report["removed_by_reason"],
        "removed_by_rule": report["removed_by_rule"],
        "duplicates_by_tier": report["duplicates_by_tier"],
        "clusters": report["clusters"],
        "skipped": [item["error"] for item in report["inputs"] if item["error"]],
        "bad_records": report["bad_records"],
        "sample_articles": samples,
        "timings": timings,
    }


def render_summary(
    report: dict[str, Any],
    timings: dict[str, float] | None,
    out: Path | None,
    reasons_rules: dict[str, set[str]],
    samples: list[dict[str, Any]],
    headline: str = "Wrote {kept} articles to ",
) -> None:
    """The terminal summary of a run, from its report (report.json's shape); `out` is None for
    a dry run, `timings` None to leave the times out. The first line says where the output is
    (`headline`, then the folder's absolute path)."""
    counts = report.get("counts") or {}
    if out is not None:
        first = headline.format(kept=counts.get("kept", 0))
        out_console.print(Text.assemble(first, (f"{out.resolve()}/", "bold")), soft_wrap=True)
    else:
        out_console.print("Dry run: nothing written.")
    if not counts:
        out_console.print("(report.json holds no counts)")
        return
    table = Table(title="Winnow run", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("inputs", f"{counts['inputs']} ({counts['skipped_inputs']} skipped)")
    table.add_row("articles found", str(counts["articles"]))
    table.add_row("articles kept", str(counts["kept"]))
    table.add_row("duplicates removed", str(counts["duplicates"]))
    table.add_row("lines removed", str(counts["lines_removed"]))
    out_console.print(table)

    reasons = Table(title="Removed, by reason", title_justify="left")
    reasons.add_column("reason")
    reasons.add_column("rule")
    reasons.add_column("lines", justify="right")
    for reason, count in sorted(report["removed_by_reason"].items(), key=lambda kv: -kv[1]):
        reasons.add_row(reason, ", ".join(sorted(reasons_rules.get(reason, ()))), str(count))
    out_console.print(reasons)

    if report["clusters"]:
        shown = largest_clusters(report["clusters"], SUMMARY_CLUSTERS)
        title = "Duplicate clusters"
        if len(shown) < len(report["clusters"]):
            title += f" (the {len(shown)} largest of {len(report['clusters'])})"
        clusters = Table(title=title, title_justify="left")
        clusters.add_column("cluster")
        clusters.add_column("tier")
        clusters.add_column("article")
        clusters.add_column("similarity", justify="right")
        for cluster in shown:
            for member in cluster["members"]:
                keeper = member["id"] == cluster["keeper"]
                clusters.add_row(
                    cluster["id"],
                    cluster["tier"],
                    Text(("kept: " if keeper else "dropped: ") + (member["title"] or member["id"])),
                    "" if keeper else f"{member['similarity']:.2f}",
                )
        out_console.print(clusters)
        if len(shown) < len(report["clusters"]):
            where = (
                "duplicates.jsonl and report.html" if out is not None else "a run without --dry-run"
            )
            out_console.print(
                f"{len(report['clusters']) - len(shown)} more clusters: see {where}",
                style="dim",
            )
    else:
        out_console.print("No duplicates found.")
    if samples:
        articles = Table(title="Some kept articles", title_justify="left")
        articles.add_column("id")
        articles.add_column("title")
        articles.add_column("lines removed", justify="right")
        for sample in samples:
            articles.add_row(
                sample["id"], Text(sample["title"] or "(untitled)"), str(sample["removed"])
            )
        out_console.print(articles)
    for item in report["inputs"]:
        for note in item["notes"][:5]:
            err_console.print(f"[cyan]note[/] {note}", soft_wrap=True)
    if timings is not None:
        stages = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in timings.items())
        out_console.print(Text(f"Time: {stages}", style="dim"))


def render_next_steps(out: Path | None, samples: list[dict[str, Any]]) -> None:
    """The commands that look at what a run wrote, with this run's folder and an id in them."""
    if out is None:
        out_console.print("Next: run again without --dry-run to write the output.")
        return
    folder = "" if out == DEFAULT_OUTPUT else f" --out {_shell_word(str(out))}"
    where = "" if out == DEFAULT_OUTPUT else f" {_shell_word(str(out))}"
    steps = [(f"winnow report{where} --open", "report.html in a browser")]
    if samples:
        explain = f"winnow explain {samples[0]['id']}{folder}"
        steps.insert(0, (explain, "an article, its removed lines struck through"))
    width = max(len(command) for command, _ in steps)
    out_console.print("Next:")
    for command, what in steps:
        out_console.print(Text(f"  {command:<{width}}  # {what}"), soft_wrap=True)


def _shell_word(word: str) -> str:
    """`word` quoted for a shell when it needs it (a folder with a space)."""
    return shlex.quote(word)


@main.command()
@click.argument("article_id")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="The output folder of an earlier `winnow clean`.",
)
def explain(article_id: str, out: Path) -> None:
    """Show one article with its removed lines struck through and their reasons.

    ARTICLE_ID is an id from articles.jsonl or duplicates.jsonl (a unique prefix is enough).

    Example: winnow explain 3f2a
    """
    records = _load_records(out)
    matches = [r for r in records if r["id"].startswith(article_id)]
    if not matches:
        raise Failure(f"no article with id {article_id!r} in {out}/ (run `winnow clean` first?)")
    if len(matches) > 1:
        raise Failure(f"id prefix {article_id!r} matches {len(matches)} articles; give more of it")
    record = matches[0]
    out_console.print(Text(record.get("title") or "(untitled)", style="bold"))
    meta = {k: v for k, v in record.get("meta", {}).items() if k not in ("fields",)}
    out_console.print(Text(f"{record['source']} lines {record['lines'][0]}-{record['lines'][1]}"))
    if meta:
        out_console.print(Text(json.dumps(meta, ensure_ascii=False), style="dim"))
    if record.get("duplicate_of"):
        out_console.print(
            f"[yellow]duplicate of {record['duplicate_of']}[/] "
            f"({record['tier']}, similarity {record['similarity']:.2f})"
        )
    removed = {r["line"]: r for r in record.get("removed", [])}
    source_lines = _source_lines(record)
    if source_lines is None:
        out_console.print(Text(record.get("text", "")))
        for item in record.get("removed", []):
            out_console.print(Text(f"- {item['text']}  [{item['reason']}: {item['rule']}]"))
        return
    first = record["lines"][0]
    for offset, line in enumerate(source_lines):
        hit = removed.get(first + offset)
        if hit is None:
            out_console.print(Text(line))
        elif hit["text"].strip() != line.strip():  # a span removed from a kept line
            out_console.print(Text(line) + Text(f"   ← {hit['reason']}: {hit['text']!r}", "dim"))
        else:
            out_console.print(
                Text(line, style="strike red")
                + Text(f"   ← {hit['reason']} ({hit['rule']})", "dim")
            )


def _load_records(out: Path) -> list[dict[str, Any]]:
    records = [
        *iter_output_records(out, "articles"),
        *iter_output_records(out, "duplicates"),
    ]
    if not records:
        raise Failure(f"{out}/ holds no Winnow output; run `winnow clean --out {out}` first")
    return records


def _source_lines(record: dict[str, Any]) -> list[str] | None:
    """The article's lines as they stand in its source file, if that file is still readable."""
    source = Path(record.get("source", ""))
    if not source.is_file() or source.suffix not in (".txt", ".text"):
        return None
    try:
        lines = source.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    first, last = record["lines"]
    return lines[first - 1 : last]


@main.command(name="eval")
@click.argument("dataset_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--task", type=click.Choice(["split", "clean", "dedupe"]), help="Only this task.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option(
    "--sweep",
    is_flag=True,
    help="Score dedupe sets over a wider range of story thresholds "
    "(0.08 to 0.22; probabilities 0.2 to 0.8 with the calibrated score).",
)
@click.option(
    "--no-clean",
    "no_clean",
    is_flag=True,
    help="Deduplicate the dedupe sets' texts as they are, without `winnow clean`'s cleaning.",
)
@click.option(
    "--story-model",
    type=click.Choice(list(STORY_MODELS)),
    default=DedupeConfig().story_model,
    show_default=True,
    help="The same-story score: 'shipped' (calibrated, probability 0.5) or 'off' (cosine).",
)
def eval_command(
    dataset_dir: Path,
    task: str | None,
    as_json: bool,
    sweep: bool,
    no_clean: bool,
    story_model: str,
) -> None:
    """Score Winnow and the peers' usual approach on labelled data, side by side.

    DATASET_DIR holds one dataset or folders of them; its files say the task: split (dump.txt +
    boundaries.jsonl), clean (cases.jsonl) or dedupe (docs.jsonl + pairs.jsonl). A clone ships
    a tiny made-up one of each in examples/eval/ (its README describes the formats).

    Dedupe sets are cleaned first as `winnow clean` cleans a run (--no-clean: not), and
    Winnow's F1 is shown at story thresholds from 0.8 to 1.2 times the one used, so that a
    narrow peak shows.

    Example: winnow eval examples/eval
    """
    config = DedupeConfig(story_model=story_model)
    if sweep:
        thresholds: tuple[float, ...] | None = (
            tuple(round(0.08 + 0.01 * i, 2) for i in range(15))
            if story_model == "off"
            else tuple(round(0.2 + 0.05 * i, 2) for i in range(13))
        )
    else:
        thresholds = None
    from winnow_corpus.evaluation import evaluate  # loads the rules and the eval sets' code

    tables = evaluate(
        dataset_dir, task, clean_first=not no_clean, thresholds=thresholds, config=config
    )
    if not tables:
        raise Failure(f"{dataset_dir}: no dataset of task {task!r} found")
    if as_json:
        payload = {"results": [t.to_dict() for t in tables]}
        click.echo(json.dumps(payload, indent=2, sort_keys=True))
        return
    for table in tables:
        grid = Table(title=f"{table.dataset} ({table.task})", title_justify="left")
        columns = [k for k in table.rows[0] if k != "system"]
        grid.add_column("system")
        for column in columns:
            grid.add_column(column.replace("_", " "), justify="right")  # spaces wrap
        for row in table.rows:
            grid.add_row(row["system"], *(_cell(row.get(c)) for c in columns))
        out_console.print(grid)
        if table.by_language:
            out_console.print(_language_grid(table))
        for note in table.notes:
            out_console.print(Text(note, style="dim"))
        if table.threshold_sweep:
            swept = next(iter(table.threshold_sweep[0]))
            names = (swept, "precision", "recall", "f1")
            sweep_grid = Table(
                title=f"{table.dataset}: Winnow by {swept.replace('_', ' ')}", title_justify="left"
            )
            for column in names:
                sweep_grid.add_column(column, justify="right")
            for row in table.threshold_sweep:
                threshold = f"{row[swept]:.4g}"
                sweep_grid.add_row(threshold, *(_cell(row[c]) for c in names[1:]))
            out_console.print(sweep_grid)


def _language_grid(table: EvalTable) -> Table:
    """A snippet set's F1 per language, each system beside the others."""
    grid = Table(title=f"{table.dataset}: snippet F1 by language", title_justify="left")
    systems = [row["system"] for row in table.rows]
    for column in ("language", "cases", *systems):
        grid.add_column(column, justify="left" if column == "language" else "right")
    for group in table.by_language:
        scores = {row["system"]: row["f1"] for row in group["rows"]}
        grid.add_row(group["language"], str(group["cases"]), *(_cell(scores[s]) for s in systems))
    return grid


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return "" if value is None else str(value)


@main.command()
@click.argument(
    "out", required=False, default=DEFAULT_OUTPUT, type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--open", "open_it", is_flag=True, help="Open the page in a web browser.")
@click.option(
    "--timings",
    is_flag=True,
    help="Show time per stage, here and on the page (the page then varies by run).",
)
def report(out: Path, open_it: bool, timings: bool) -> None:
    """Write (again) OUT/report.html from a run's output folder, print the run's summary, and
    optionally open the page.

    Example: winnow report corpus/clean --open
    """
    if not out.exists():
        raise Failure(
            f"{out} does not exist; `winnow clean INPUTS --out {out}` writes an output folder there"
        )
    if not out.is_dir():
        raise Failure(f"{out} is not a folder; give the --out folder of a `winnow clean` run")
    page = write_report(out, timings)
    summary = _read_report(out / "report.json")
    times = _read_report(out / "timings.json") if timings else None
    samples = sample_articles(iter_output_records(out, "articles"))
    reasons_rules = _rules_of_reasons(out, summary)
    headline = "The run written to "
    render_summary(summary, times, out, reasons_rules, samples, headline)
    out_console.print(Text.assemble("Wrote ", (str(page.resolve()), "bold")))
    render_next_steps(out, samples)
    if open_it:
        webbrowser.open(page.resolve().as_uri())


def _read_report(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise Failure(f"{path} is not readable JSON ({exc}); run `winnow clean` again") from exc
    return loaded if isinstance(loaded, dict) else {}


def _rules_of_reasons(out: Path, report: dict[str, Any]) -> dict[str, set[str]]:
    """reason -> rules for the summary of a written run: the registry's rules by name, and the
    removals file read only as far as it takes to place the others (your own rules)."""
    registry = {rule.name: rule.reason for rule in iter_rules()}
    wanted = set(report.get("removed_by_rule", {}))
    pairs = [(registry[name], name) for name in wanted if name in registry]
    unplaced = wanted - set(registry)
    if unplaced:
        for removal in iter_output_records(out, "removed"):
            if removal.get("rule") in unplaced:
                pairs.append((str(removal.get("reason")), str(removal["rule"])))
                unplaced.discard(removal["rule"])
                if not unplaced:
                    break
    return rules_by_reason(pairs)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def rules(as_json: bool) -> None:
    """List every cleaning rule with its category and reason (names work with --disable).

    Example: winnow rules
    """
    if as_json:
        listed = [
            {"name": r.name, "category": r.name.split(".")[0], "reason": r.reason, "doc": r.doc}
            for r in iter_rules()
        ]
        click.echo(json.dumps({"rules": listed}, ensure_ascii=False, indent=2))
        return
    table = Table(title="Cleaning rules")
    table.add_column("rule")
    table.add_column("reason")
    table.add_column("what it matches")
    for rule in iter_rules():
        table.add_row(rule.name, rule.reason, rule.doc)
    out_console.print(table)


@main.group(cls=WinnowGroup, invoke_without_command=True)
@click.pass_context
def index(ctx: click.Context) -> None:
    """Inspect or delete a dedupe index made by `winnow clean --index PATH`.

    Example: winnow index stats corpus/index.sqlite
    """
    if ctx.invoked_subcommand is None:  # `winnow index` alone asks for help: exit 0
        click.echo(ctx.get_help())
        ctx.exit(EXIT_OK)


@index.command(name="stats")
@click.argument(
    "path", required=False, default=DEFAULT_INDEX, type=click.Path(dir_okay=False, path_type=Path)
)
def index_stats(path: Path) -> None:
    """Show what an index holds: articles, runs, settings and size.

    Example: winnow index stats corpus/index.sqlite
    """
    with DedupeIndex.open(path, readonly=True) as opened:
        stats = opened.stats()
    table = Table(title=f"Dedupe index {path}", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("articles", str(stats.articles))
    table.add_row("runs", str(len(stats.runs)))
    table.add_row("schema version", str(stats.schema_version))
    table.add_row("num_perm / seed", f"{stats.num_perm} / {stats.seed}")
    table.add_row("LSH bands x rows", f"{stats.bands} x {stats.rows}")
    table.add_row("size", f"{stats.size_bytes:,} bytes")
    out_console.print(table)
    for run_id, articles, inputs in stats.runs:
        out_console.print(Text(f"{run_id}: {articles} articles from {', '.join(inputs) or '-'}"))


@index.command(name="rm")
@click.argument(
    "path", required=False, default=DEFAULT_INDEX, type=click.Path(dir_okay=False, path_type=Path)
)
def index_rm(path: Path) -> None:
    """Delete an index file (no question asked; the next --index run starts a new one).

    Example: winnow index rm corpus/index.sqlite
    """
    remove_index(path)
    out_console.print(f"Removed [bold]{path}[/]")


def _stop_writing_stdout() -> None:
    """After a closed pipe: send what is left in stdout's buffer nowhere, so that Python's
    final flush does not print an `Exception ignored ... BrokenPipeError` and exit 120."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout already closed or replaced: nothing to flush
        pass


def _traceback(exc: BaseException) -> None:
    """With --debug: the traceback, then the error's usual one line and exit code."""
    if _debug:
        traceback.print_exception(exc, file=sys.stderr)


def cli_main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code, with errors mapped to one line each.

    With `--debug` an error is shown with its traceback first, and keeps its exit code.
    """
    global _debug
    _debug = False
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = main.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except ClosedPipe:
        _stop_writing_stdout()
        return EXIT_OK
    except click.ClickException as exc:
        if exc.__cause__ is not None:
            _traceback(exc)
        exc.show()
        return int(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt) as exc:
        if isinstance(exc, Terminated) or isinstance(exc.__cause__, Terminated):
            err_console.print("Terminated (SIGTERM); previous output left as it was.")
            return EXIT_TERMINATED
        err_console.print("Interrupted; previous output left as it was.")
        return EXIT_INTERRUPTED
    except ERRORS as exc:  # each package's own errors (WinnowError, DedupeError), one line each
        _traceback(exc)
        click.echo(f"Error: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        _stop_writing_stdout()
        return EXIT_OK
    except Exception as exc:
        _traceback(exc)
        click.echo(
            f"Internal error: {type(exc).__name__}: {exc} (a bug: run the same command again "
            "with --debug after its name, e.g. `winnow clean --debug`, and report the traceback)",
            err=True,
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK


def entry() -> NoReturn:
    sys.exit(cli_main())
