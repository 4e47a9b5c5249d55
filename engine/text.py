"""Text normalisation every stage shares: the forms prose and labels are matched in (public, for plugin rules)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

_T = TypeVar("_T")

# Words written into a count cell for "none": readers keep them as printed, rules read them as 0.
NIL_WORDS = frozenset({"无", "没有", "空", "暂无"})
# One Chinese character (the CJK Unified Ideographs block): how much of a line, a page or a section is Chinese text.
IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")

_SPACE = re.compile(r"\s+")
# Punctuation that varies between reports (full/half width, Word quotes) and carries no meaning
# for telling labels and headings apart.
_LABEL_NOISE = re.compile(r"[\s()（）【】\[\]、,，.．。:：;；“”\"'‘’《》<>〈〉·•\-—_|*#]+")


# Control characters (C0 but tab and newline, DEL, C1): a file or organ name holding them could move the cursor,
# recolour or retitle the clerk's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def file_name(path: str) -> str:
    """A file as its sender knows it: its name, without the folders of the machine that checked it (an archive
    member by its own name)."""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (escape sequences included) removed."""
    return _CONTROL.sub("", text)


# What XML 1.0 cannot hold and UTF-8 cannot encode (control characters but tab and newlines, lone surrogates,
# U+FFFE/U+FFFF): a report's text may carry them (a name copied from a PDF, an escape in a JSON model), and one such
# character must not cost a letter, a summary or the batch's JSON.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def writable(value):
    """`value` (strings, dicts, lists, tuples and dataclasses of them) with every string made `xml_text`; an enum's
    value stays the enum."""
    import dataclasses

    if type(value) is str:
        return xml_text(value)
    if isinstance(value, dict):
        return {writable(k): writable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(writable(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return dataclasses.replace(value, **{f.name: writable(getattr(value, f.name)) for f in fields})
    return value


# Radicals some PDF fonts map their glyphs to (Chromium's prints, some Word exports): 人⺠政府, ⻘禾市, ⾸⻚. Kangxi
# radicals (U+2F00–2FD5) have NFKC forms; the supplement's (U+2E80–2EF3) do not, so they are listed, each with the
# ideograph Unicode names its equivalent (EquivalentUnifiedIdeograph.txt).
_SUPPLEMENT = (
    "⺀冫⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺇几⺈刀⺉刂⺊卜⺋㔾⺌小⺍小⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺕彐⺖忄⺗心⺘扌⺙攵⺛旡⺜日⺝月⺞歺⺟母⺠民⺡氵⺢氺⺣灬⺤爫⺥爫⺦丬⺧牛⺨犭⺩王⺪疋⺫目⺬示⺭礻⺮竹⺯糹⺰纟⺱罓⺲罒⺳网⺴罓⺵罓⺶羊⺷羊⺸羋⺹耂⺺肀⺻聿⺼月⺽臼"
    "⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻇角⻈讠⻉贝⻊足⻋车⻌辶⻍辶⻎辶⻏阝⻐钅⻑長⻒镸⻓长⻔门⻕阜⻖阝⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻟飠⻠饣⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
)
_RADICALS = {ord(_SUPPLEMENT[i]): _SUPPLEMENT[i + 1] for i in range(0, len(_SUPPLEMENT), 2)}
_RADICALS.update({c: unicodedata.normalize("NFKC", chr(c)) for c in range(0x2F00, 0x2FD6)})


def unify_radicals(text: str) -> str:
    """CJK radicals a font printed in place of ideographs, as the ideographs (a no-op for ordinary text)."""
    return text.translate(_RADICALS)


# A cell or a label is looked at again by every step, in report after report: what is worked out from a short text
# is kept (a few hundred kinds recur; a template row's label as printed runs to 110 characters), from a longer one
# not (a paragraph; a hostile file's megabyte "cell"). Tens of thousands kept are a few megabytes.
SHORT_TEXT = 128


def kept_when_short(maxsize: int) -> Callable[[Callable[[Any], _T]], Callable[[Any], _T]]:
    """A function of one text (or None) whose answers for short texts are kept, up to `maxsize` of them."""

    def wrap(func: Callable[[Any], _T]) -> Callable[[Any], _T]:
        kept = lru_cache(maxsize=maxsize)(func)

        @wraps(func)
        def answer(text: Any) -> _T:
            return kept(text) if text is None or len(text) <= SHORT_TEXT else func(text)

        return answer

    return wrap


def nfkc(text: str) -> str:
    if text.isascii():  # ASCII is its own normal form
        return text
    # kept_when_short, written out: the commonest call of a check, one frame less
    return _kept_nfkc(text) if len(text) <= SHORT_TEXT else unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=1 << 14)
def _kept_nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4096)
def compact(text: str) -> str:
    """NFKC with all whitespace removed: the form prose is matched in."""
    return _SPACE.sub("", nfkc(text))


def squeeze(text: str) -> str:
    """Whitespace removed, characters kept as printed (labels quoted back to users)."""
    return _SPACE.sub("", text)


@lru_cache(maxsize=4096)
def label_key(text: str) -> str:
    """The form labels and headings are compared in: compact, without punctuation."""
    return _LABEL_NOISE.sub("", nfkc(text))


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # lazily: only reports in traditional characters need it

    return opencc.OpenCC("t2s")


# Characters that only traditional text writes, and that any report in it writes (與, 為, 個, 們 …): text without
# any of them is simplified already and skips the conversion.
_TRADITIONAL = frozenset("與為個們來時會對說這國發學經進過還關開麼應於從當務聯辦數據範資區縣鎮")


def is_traditional(text: str) -> bool:
    """Whether the text writes characters only traditional text writes."""
    return not _TRADITIONAL.isdisjoint(text)


def simplified(text: str, known: bool = False) -> str:
    """Traditional characters converted (some portals mirror reports in 繁體), the rest unchanged. With `known` (the
    text is part of a report known to be traditional), converted even when this piece has none of the telltale
    characters (總體, 報告 are traditional too)."""
    if not known and _TRADITIONAL.isdisjoint(text):
        return text
    try:
        converted = _t2s().convert(text)
    except Exception:
        return text
    return converted
