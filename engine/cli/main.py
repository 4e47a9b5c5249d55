"""The `nianbao` command (spec/interfaces.md): check, parse, rules.

Exit codes: 0 all read and clean; 1 an `error` finding or a score under --fail-under; 2 a usage error
or an input that could not be read (2 wins over 1). Logs go to standard error, never into the output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from enum import IntEnum
from pathlib import Path

from nianbao.engine import __version__
from nianbao.engine.batch.cache import DEFAULT_DIR as DEFAULT_CACHE
from nianbao.engine.batch.run import RunOptions, check_all, read_contained
from nianbao.engine.checking.catalogue import records, render_json, render_markdown, render_text
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.checking.profile import Profile
from nianbao.engine.cli.office import add_parsers as add_office_parsers
from nianbao.engine.cli.office import cmd_circular, cmd_letters
from nianbao.engine.errors import ReadError, UsageError
from nianbao.engine.i18n import Lang, engine_message
from nianbao.engine.limits import CEILINGS
from nianbao.engine.office.roster import Roster
from nianbao.engine.outputs import FORMATS
from nianbao.engine.result import Outline, ResultDocument
from nianbao.engine.submissions import collect
from nianbao.engine.text import printable

log = logging.getLogger("nianbao")


class Exit(IntEnum):
    OK = 0
    FINDINGS = 1
    ERROR = 2


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is negative")
    return number


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not math.isfinite(number) or number <= 0 or number > CEILINGS["timeout"]:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of seconds above 0 and at most {CEILINGS['timeout']:g} (a day)"
        )
    return number


def _ids(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="年报体检：检查政府信息公开工作年度报告 / check government information-disclosure annual reports",
    )
    parser.add_argument("--version", action="version", version=f"nianbao {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs on standard error")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="检查报告 / check reports")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or .zip archives")
    check.add_argument("--format", choices=list(FORMATS), default="text", help="html and xlsx need --output")
    check.add_argument("--output", type=Path, help="write here instead of standard output")
    check.add_argument("--profile", type=Path, help="a profile (TOML)")
    check.add_argument("--select", type=_ids, help="comma-separated rule ids or prefixes to run")
    check.add_argument("--ignore", type=_ids, help="comma-separated rule ids or prefixes to skip")
    check.add_argument(
        "--plugin", action="append", default=[], metavar="PATH_OR_MODULE", help="a rule file or module (repeatable)"
    )
    check.add_argument("--jobs", type=int, default=None, help="parallel workers (default: all cores)")
    check.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="check on a Dask cluster, tcp://HOST:8786 (docs/cluster.md; the cluster extra)",
    )
    check.add_argument(
        "--cluster-shared",
        action="store_true",
        help="the cluster's workers see these paths as they are here: send paths, not the files' bytes",
    )
    check.add_argument(
        "--timeout", type=_seconds, default=None, metavar="SECONDS", help="time limit per file (default: profile, 120)"
    )
    check.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help=f"default {DEFAULT_CACHE}")
    check.add_argument("--no-cache", action="store_true", help="read every file again")
    check.add_argument("--review", type=Path, help="a review file (TOML) of confirmed and dismissed findings")
    check.add_argument(
        "--roster",
        type=Path,
        help="the organs expected to report (CSV/XLSX: 机关名称, 别名, 类型, 地区, 上级, 截止日期)",
    )
    check.add_argument(
        "--history",
        action="append",
        default=[],
        metavar="PATH",
        help="earlier years' reports (folders, zips) or result JSON documents, for the cross-year rules (repeatable)",
    )
    check.add_argument(
        "--fail-under", type=float, default=None, metavar="SCORE", help="exit code 1 when a report scores lower"
    )
    check.add_argument("--lang", choices=[lang.value for lang in Lang], default="zh")
    check.add_argument("--no-progress", action="store_true", help="no progress line, even on a terminal")

    parse = sub.add_parser("parse", help="打印报告模型 / print the report model as JSON")
    parse.add_argument("file", type=Path)
    parse.add_argument("--output", type=Path)
    parse.add_argument("--plugin", action="append", default=[], metavar="PATH_OR_MODULE")
    parse.add_argument("--profile", type=Path, help="a profile (TOML), for its [limits]")
    parse.add_argument("--lang", choices=[lang.value for lang in Lang], default="zh")

    serve = sub.add_parser("serve", help="自查网页 / the self-check web page")
    serve.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (this computer only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_positive_int,
        default=0,
        help="short checks at once, and as many long ones (default: the core count)",
    )
    serve.add_argument(
        "--queue", type=_positive_int, default=0, help="checks waiting or run long (default: 4 per worker)"
    )
    serve.add_argument(
        "--memory-budget",
        type=_positive_int,
        default=640,
        metavar="MB",
        help="admit no check while the service holds more than this (default 640)",
    )
    serve.add_argument("--profile", type=Path)
    serve.add_argument("--plugin", action="append", default=[], metavar="PATH_OR_MODULE")

    add_office_parsers(sub)

    rules = sub.add_parser("rules", help="列出规则 / list the rules")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    rules.add_argument("--profile", type=Path)
    rules.add_argument("--plugin", action="append", default=[], metavar="PATH_OR_MODULE")
    rules.add_argument("--lang", choices=[lang.value for lang in Lang], default="zh")
    return parser


class _PrintableFormatter(logging.Formatter):
    """Log lines name files and organs: no control characters from them reach the terminal."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


class OutputClosed(Exception):
    """Standard output went away (a closed pipe, `>&-`): nothing more can be said there."""


def _emit(text: str | bytes | Iterable[str | bytes], output: Path | None) -> None:
    """Write the output whole or not at all: to a file through a temporary one beside it (a full disk leaves no
    truncated file behind), or to standard output. `text` may come in pieces (a batch's JSON, a result at a time)."""
    pieces = [text] if isinstance(text, str | bytes) else text

    def write(stream) -> None:
        for piece in pieces:
            stream.write(piece.encode("utf-8") if isinstance(piece, str) else piece)

    if output is None:
        if sys.stdout is None:  # started with standard output closed
            raise OutputClosed("no standard output")
        try:
            write(sys.stdout.buffer)
            sys.stdout.flush()
        except (BrokenPipeError, ValueError, OSError) as exc:
            raise OutputClosed(str(exc)) from None
        return
    if output.exists() and not output.is_file():  # a device or a pipe (/dev/stdout): written as it is
        with output.open("wb") as stream:
            write(stream)
        return
    folder = output.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            # mkstemp makes the file private (0600); an output is the user's file like any other, shared by their
            # umask (colleagues on the office's shared drive open it), or the mode it had before.
            os.fchmod(stream.fileno(), _mode_for(output))
            os.fsync(stream.fileno())
        os.replace(temporary, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode_for(output: Path) -> int:
    """The mode a new file gets from the user's umask, or the mode `output` already has."""
    try:
        return stat.S_IMODE(output.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _load(plugins: Sequence[str], lang: Lang, profile: Profile | None = None) -> PluginHost:
    for plugin in plugins:
        if (plugin.endswith(".py") or os.sep in plugin) and not Path(plugin).exists():
            # A mistyped path is the user's slip, not a plugin's failure: said once, before anything runs.
            raise UsageError(engine_message("usage.plugin-missing", lang, plugin=plugin))
    timeout = (profile or Profile.default()).limits.plugin_import_timeout
    host = PluginHost.load(extra=plugins, import_timeout=timeout)
    host.rules()  # collecting the rules is what finds unsound declarations: report them now
    host.readers()
    for problem in host.problems:
        print(printable(engine_message(problem.key, lang, **problem.params)), file=sys.stderr)
    return host


def _profile(args: argparse.Namespace) -> Profile:
    profile = Profile.named(args.profile) if getattr(args, "profile", None) else Profile.default()
    return profile.with_cli(getattr(args, "select", None), getattr(args, "ignore", None))


def exit_code(document: ResultDocument, fail_under: float | None) -> Exit:
    outlines = document.outlines()
    if any(o.unreadable for o in outlines):
        return Exit.ERROR
    if any(_failing(o, fail_under) for o in outlines):
        return Exit.FINDINGS
    return Exit.OK


def cmd_check(args: argparse.Namespace) -> Exit:
    lang = Lang(args.lang)
    output = FORMATS[args.format]
    if output.needs_file and args.output is None:
        raise UsageError(f"--format {args.format} 需要 --output 文件 / needs --output FILE")
    profile = _profile(args)
    host = _load([*profile.plugins, *args.plugin], lang, profile)
    roster_path = args.roster or (Path(profile.roster) if profile.roster else None)
    checker = Checker(host, profile, lang, Roster.load(roster_path) if roster_path else None)
    started = time.monotonic()
    files = collect(args.paths, limits=profile.limits)
    log.debug("%d files listed in %.1f s", len(files), time.monotonic() - started)
    if not files:
        raise UsageError("没有找到可检查的文件 / no report files found in: " + ", ".join(args.paths))
    zipped = args.output is not None and args.output.suffix.lower() == ".zip"
    if args.format == "letters" and len(files) > 1 and not zipped:
        raise UsageError(engine_message("usage.letters-zip", lang))
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs 至少为 1 / --jobs must be at least 1")
    cluster = args.cluster or profile.cluster
    if cluster:
        from nianbao.engine.batch.cluster import require  # only a cluster run pays for importing it

        require(lang)
    options = RunOptions(
        cluster=cluster,
        cluster_shared=args.cluster_shared or profile.cluster_shared,
        jobs=args.jobs,
        timeout=args.timeout or profile.limits.timeout,
        memory_mb=profile.limits.worker_memory_mb,
        cache_dir=None if args.no_cache else args.cache_dir,
        progress=False if args.no_progress else None,
        review=args.review,
        cross_timeout=profile.limits.cross_rule_timeout,
        history=[*profile.history, *args.history],
    )
    outcome = check_all(checker, files, options)
    started = time.monotonic()
    document = checker.document(outcome.results, outcome.cached, outcome.roster, outcome.history)
    if args.format == "letters" and zipped:  # a zip was asked for, even of one letter
        from nianbao.engine.office.letters import bundle, default_dates, letters

        _emit(bundle(letters(document, default_dates(document))), args.output)
    else:
        _emit(output.chunks(document), args.output)
    log.debug("the %s output written in %.1f s", args.format, time.monotonic() - started)
    code = exit_code(document, args.fail_under)
    _tell(document, args.output, code, args.fail_under, lang)
    return code


def _failing(outline: Outline, fail_under: float | None) -> bool:
    low = fail_under is not None and outline.score is not None and outline.score < fail_under
    return low or outline.failing


def _tell(document: ResultDocument, output: Path | None, code: Exit, fail_under: float | None, lang: Lang) -> None:
    """When the result went to a file: on standard error, where, the batch in one line, and why the exit code is not
    0."""
    s = document.summary
    if output is None:  # the output itself says it all, on the screen or in the pipe
        return
    mean = "-" if s.mean_score is None else f"{s.mean_score:.1f}"
    note = engine_message(
        "cli.written", lang, path=output, files=s.files, checked=s.checked, unreadable=s.unreadable, mean=mean
    )
    print(printable(note), file=sys.stderr)
    if code == Exit.ERROR:
        print(engine_message("cli.exit-2", lang, count=s.unreadable), file=sys.stderr)
    elif code == Exit.FINDINGS:
        count = sum(1 for o in document.outlines() if _failing(o, fail_under))
        print(engine_message("cli.exit-1", lang, count=count), file=sys.stderr)


def cmd_parse(args: argparse.Namespace) -> Exit:
    lang = Lang(args.lang)
    profile = _profile(args)
    checker = Checker(_load([*profile.plugins, *args.plugin], lang, profile), profile, lang)
    read = read_contained(checker, args.file)
    if isinstance(read, ReadError):
        print(printable(f"{args.file}: [{read.code.value}] {read.message(lang)}"), file=sys.stderr)
        return Exit.ERROR
    _emit(json.dumps(read.to_json_dict(), ensure_ascii=False, indent=2) + "\n", args.output)
    return Exit.OK


def cmd_rules(args: argparse.Namespace) -> Exit:
    lang = Lang(args.lang)
    profile = _profile(args)
    host = _load([*profile.plugins, *args.plugin], lang, profile)
    rules = records(host, profile)
    renderers = {"json": render_json, "markdown": render_markdown, "text": lambda r: render_text(r, lang)}
    _emit(renderers[args.format](rules), None)
    return Exit.OK


def _port_free(host: str, port: int) -> None:
    """A port another program holds is a usage error said in one line, not uvicorn's traceback."""
    import socket

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise UsageError(
            f"无法在 {host}:{port} 上启动：端口已被占用或不可用，请用 --port 换一个端口 / "
            f"cannot serve on {host}:{port} ({exc.strerror}): choose another --port"
        ) from None


def cmd_serve(args: argparse.Namespace) -> Exit:
    import uvicorn  # the web libraries load only for this command
    from nianbao.engine.web.app import clean_stale_uploads, create_app

    _port_free(args.host, args.port)
    profile = _profile(args)
    checker = Checker(_load([*profile.plugins, *args.plugin], Lang.zh, profile), profile, Lang.zh)
    clean_stale_uploads()
    app = create_app(
        checker,
        timeout=profile.limits.timeout,  # one deadline: a scan on the page has the time it has on the command line
        memory_mb=profile.limits.worker_memory_mb,
        workers=args.workers,
        queue=args.queue,
        bound_host=args.host,
        memory_budget_mb=args.memory_budget or None,
    )
    print(f"nianbao: 自查网页 / self-check page: http://{args.host}:{args.port}/", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return Exit.OK


COMMANDS = {
    "check": cmd_check,
    "parse": cmd_parse,
    "rules": cmd_rules,
    "serve": cmd_serve,
    "letters": lambda args: cmd_letters(args, _emit),
    "circular": lambda args: cmd_circular(args, _emit),
    "summary": lambda args: cmd_circular(args, _emit),
}


def _not_the_clusters(record: logging.LogRecord) -> bool:
    """Dask's own loggers (and those of its network layer): their reconnecting and tracebacks are for -v only; a
    cluster's lost connection is said in each file's result, in the user's language."""
    return not record.name.startswith(("distributed", "tornado", "asyncio"))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="nianbao: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    # pdfminer warns about every odd font (127 lines for one Chromium-printed PDF); those are for -v only.
    logging.getLogger("pdfminer").setLevel(logging.DEBUG if args.verbose else logging.ERROR)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_PrintableFormatter(handler.formatter._fmt if handler.formatter else None))
        if args.verbose:  # one filter however often main() runs in a process (tests), taken off for -v
            handler.removeFilter(_not_the_clusters)
        else:
            handler.addFilter(_not_the_clusters)
    try:
        return int(COMMANDS[args.command](args))
    except UsageError as exc:
        print(printable(f"nianbao: {exc}"), file=sys.stderr)
        return int(Exit.ERROR)
    except OutputClosed:
        # Point stdout at nothing so that Python's own flush at exit does not complain a second time.
        with contextlib.suppress(OSError, AttributeError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        print("nianbao: 标准输出已关闭，结果未能写出 / standard output is closed: nothing written", file=sys.stderr)
        return int(Exit.ERROR)
    except OSError as exc:  # an --output path that cannot be written (a full disk), a vanished folder
        print(printable(f"nianbao: {exc}"), file=sys.stderr)
        return int(Exit.ERROR)
    except KeyboardInterrupt:
        print(
            "nianbao: 已中断；已检查的文件存入了缓存，再次运行即接着检查 / interrupted; the files checked are cached, "
            "run it again to go on",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:  # a bug of ours: one line for the user, the traceback under -v
        log.debug("internal error", exc_info=True)
        print(printable(f"nianbao: 内部错误 / internal error: {type(exc).__name__}: {exc} (-v shows more)"),
              file=sys.stderr)  # fmt: skip
        return int(Exit.ERROR)


if __name__ == "__main__":
    sys.exit(main())
