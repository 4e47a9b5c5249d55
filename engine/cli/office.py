"""The office's commands after a check: `nianbao letters` and `nianbao circular` (also called `summary`), both
from a result document.

They render what `nianbao check --format json` wrote, so an office can review findings (--review) first and write
letters and the circular from the same result, without reading any report again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from nianbao.engine.batch.document import NotADocument, read_document
from nianbao.engine.checking.profile import Profile
from nianbao.engine.checking.translation import translate
from nianbao.engine.errors import UsageError
from nianbao.engine.i18n import Lang, engine_message
from nianbao.engine.result import ResultDocument
from nianbao.engine.text import printable

MAX_DOCUMENT_MB = 2048  # a result document of 10⁵ reports stays well under this


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2027-03-15") from None


def add_parsers(sub: argparse._SubParsersAction) -> None:
    letters = sub.add_parser("letters", help="反馈意见（每个机关一份 DOCX）/ feedback letters, one DOCX per organ")
    letters.add_argument("result", type=Path, metavar="RESULT.json", help="from nianbao check --format json")
    letters.add_argument("--out", type=Path, required=True, help="a folder, or a file ending in .zip")
    letters.add_argument("--date", type=_date, default=None, help="the letters' date (default: today)")
    letters.add_argument("--reply-by", type=_date, default=None, help="answer by (default: date + reply_days)")
    _common(letters)

    # `summary` is the specification's name for it, kept as another name of the same command.
    circular = sub.add_parser("circular", aliases=["summary"], help="通报稿 / the circular draft (DOCX or HTML)")
    circular.add_argument("result", type=Path, metavar="RESULT.json", help="from nianbao check --format json")
    circular.add_argument("--out", type=Path, required=True, help="a file ending in .docx or .html")
    circular.add_argument("--date", type=_date, default=None, help="the circular's date (default: today)")
    _common(circular)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", type=Path, help="a profile whose [letters] gives the office, reply days, contact")
    parser.add_argument("--office", default=None, help="the office that writes (overrides the profile's)")
    parser.add_argument("--lang", choices=[lang.value for lang in Lang], default=None, help="default: the result's")


def load_document(path: Path, args: argparse.Namespace) -> ResultDocument:
    """The result document, with the letter head and language the command line asks for."""
    try:
        if path.stat().st_size > MAX_DOCUMENT_MB * 1024 * 1024:
            raise UsageError(engine_message("usage.result-too-large", Lang(args.lang or "zh"), path=path))
        document = read_document(path, MAX_DOCUMENT_MB * 1024 * 1024)  # a result at a time, into a run store
    except OSError as exc:
        raise UsageError(
            engine_message("usage.result-unreadable", Lang(args.lang or "zh"), path=path, reason=exc.strerror or exc)
        ) from None
    except (NotADocument, ValueError):
        raise UsageError(engine_message("usage.not-a-result", Lang(args.lang or "zh"), path=path)) from None
    if args.profile:
        document.profile.letterhead = Profile.named(args.profile).letterhead
    if args.office:
        document.profile.letterhead.office = args.office
    if args.lang and args.lang != document.lang:
        document = _translated(document, Lang(args.lang), args)
    return document


def _translated(document: ResultDocument, lang: Lang, args: argparse.Namespace) -> ResultDocument:
    """The document said in another language: each finding again from its message key (built-in rules and the
    installed plugins; a finding of a rule not found here keeps its wording)."""
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost

    profile = Profile.named(args.profile) if args.profile else Profile.default()
    return translate(Checker(PluginHost.load(), profile, lang).ruleset, document)


def cmd_letters(args: argparse.Namespace, emit) -> int:
    from nianbao.engine.office.letters import LetterDates, bundle, default_dates, letters

    document = load_document(args.result, args)
    lang = Lang(document.lang)
    dates = default_dates(document, args.date)
    if args.reply_by:
        dates = LetterDates(dates.written, args.reply_by)
    files = letters(document, dates)
    if args.out.suffix.lower() == ".zip":
        emit(bundle(files), args.out)
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            emit(data, args.out / name)
    count = len(document.results)
    print(printable(engine_message("cli.letters", lang, count=count, path=args.out)), file=sys.stderr)
    return 0


def cmd_circular(args: argparse.Namespace, emit) -> int:
    document = load_document(args.result, args)
    lang = Lang(document.lang)
    suffix = args.out.suffix.lower()
    if suffix == ".docx":
        from nianbao.engine.office.circular_docx import render
    elif suffix in (".html", ".htm"):
        from nianbao.engine.office.circular_html import render
    else:
        raise UsageError(engine_message("usage.circular-suffix", lang, path=args.out))
    emit(render(document, args.date or dt.date.today()), args.out)
    print(printable(engine_message("cli.circular", lang, path=args.out)), file=sys.stderr)
    return 0
