"""Page content streams tokenized by one regular expression instead of pdfminer.six's byte-by-byte state machine
(more than half of pdfminer's time on a report), and operators dispatched without its per-operator debug logging.

The tokens are pdfminer's own, with the same values (numbers, names, strings, hex strings, keywords, `true`,
`false`), so pdfminer's object building, inline images (BI … ID … EI) and every operator stay as they are: this
module replaces how a content stream is cut into tokens and how each operator finds its method, nothing else.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

from pdfminer.pdfinterp import PDFContentParser
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import (
    KEYWORD_ARRAY_BEGIN,
    KEYWORD_ARRAY_END,
    KEYWORD_DICT_BEGIN,
    KEYWORD_DICT_END,
    KEYWORD_PROC_BEGIN,
    KEYWORD_PROC_END,
    KWD,
    LIT,
    PSEOF,
    PSKeyword,
    PSSyntaxError,
    PSTypeError,
    keyword_name,
    literal_name,
)

# One token at a time, as pdfminer's PSBaseParser cuts them (whitespace as Python's \s; \0 skipped), with the
# whitespace and comments before it: one match a token, not two (possessive, so that no space or piece of a comment
# is given back to be matched as a token of its own).
_TOKEN = re.compile(
    rb"""
    (?:[\s\x00]++|%[^\r\n]*+)*+
    (?:
    (?P<number>[-+][0-9]*(?:\.[0-9]*)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]*)
  | (?P<name>/[^#/%\[\]()<>{}\s]*(?:\#[^/%\[\]()<>{}\s]*)*)
  | (?P<keyword>[A-Za-z][^#/%\[\]()<>{}\s]*)
  | (?P<dict><<|>>)
  | (?P<hex><[0-9a-fA-F\s]*>?)
  | (?P<string>\()
  | (?P<other>.)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_STRING_END = re.compile(rb"[()\\]")
_OCTAL = re.compile(rb"[0-7]{1,3}")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.", re.DOTALL)
_SPACE = re.compile(rb"\s")
_NAME_HEX = re.compile(rb"#([0-9a-fA-F]{0,2})")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
_ESCAPES |= {ord("("): b"(", ord(")"): b")", ord("\\"): b"\\"}
_KEYWORDS: dict[bytes, Any] = {b"true": True, b"false": False}
_EOL_END = re.compile(rb"(\r\n|[\r\n])$")
# Keywords the parser's stacks act on (arrays, dictionaries, procedures, inline images); any other goes straight out.
_STRUCTURE = frozenset(
    (KEYWORD_ARRAY_BEGIN, KEYWORD_ARRAY_END, KEYWORD_DICT_BEGIN, KEYWORD_DICT_END, KEYWORD_PROC_BEGIN, KEYWORD_PROC_END)
) | frozenset((PDFContentParser.KEYWORD_BI, PDFContentParser.KEYWORD_ID))


def _number(text: bytes) -> int | float | None:
    try:
        return float(text) if b"." in text else int(text)
    except ValueError:  # "-" or "." alone: pdfminer drops it too
        return None


def _name(text: bytes) -> Any:
    if b"#" in text:
        text = _NAME_HEX.sub(lambda m: bytes((int(m.group(1), 16),)) if m.group(1) else b"", text)
    try:
        return LIT(str(text, "utf-8"))
    except UnicodeDecodeError:
        return LIT(text)


def _string(data: bytes, at: int) -> tuple[bytes, int]:
    """A literal string starting after its "(": its bytes and where it ends (after its ")")."""
    out = bytearray()
    depth = 1
    while True:
        m = _STRING_END.search(data, at)
        if m is None:
            raise PSEOF("a string runs to the end of the content stream")  # lost, as pdfminer loses it
        out += data[at : m.start()]
        c = data[m.start()]
        at = m.end()
        if c == 0x5C:  # backslash
            if at >= len(data):
                raise PSEOF("a string runs to the end of the content stream")
            octal = _OCTAL.match(data, at)
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                at = octal.end()
                continue
            escaped = _ESCAPES.get(data[at])
            if escaped is not None:
                out += escaped
            elif data[at] == 0x0D and data[at + 1 : at + 2] == b"\n":
                at += 1  # a line break after a backslash is not part of the string
            at += 1
        elif c == 0x28:  # (
            depth += 1
            out.append(c)
        else:  # )
            depth -= 1
            if not depth:
                return bytes(out), at
            out.append(c)


class FastContentParser(PDFContentParser):
    """pdfminer's content parser with its tokenizer replaced; the streams of a page are read as one text."""

    def __init__(self, streams: Any) -> None:
        self.streams = streams
        self.data = b"\n".join(stream_value(s).get_data() for s in streams)
        self.at = 0
        self.reset()

    def nexttoken(self) -> tuple[int, Any]:
        data = self.data
        while True:
            m = _TOKEN.match(data, self.at)
            if m is None:
                raise PSEOF("end of the content stream")
            kind = m.lastgroup
            start, self.at = m.start(kind), m.end()  # type: ignore[arg-type]
            text = m.group(kind)  # type: ignore[arg-type]
            if kind == "keyword":
                return start, _KEYWORDS[text] if text in _KEYWORDS else KWD(text)
            if kind == "number":
                number = _number(text)
                if number is None:
                    continue
                return start, number
            if kind == "name":
                return start, _name(text[1:])
            if kind == "string":
                value, self.at = _string(data, self.at)
                return start, value
            if kind == "hex":
                if not text.endswith(b">") and self.at >= len(data):
                    raise PSEOF("a hex string runs to the end of the content stream")
                digits = _SPACE.sub(b"", text[1:-1] if text.endswith(b">") else text[1:])
                return start, _HEX_PAIR.sub(lambda p: bytes((int(p.group(0), 16),)), digits)
            if kind == "dict":
                return start, KEYWORD_DICT_BEGIN if text == b"<<" else KEYWORD_DICT_END
            if text == b">":
                continue  # a lone ">" is dropped, as pdfminer drops it
            return start, KWD(text)  # [ ] { } and any other single character

    def nextobject(self) -> tuple[int, Any]:
        """PSStackParser.nextobject for a content stream, without its debug logging per token: operands and
        operators one at a time, arrays and dictionaries whole."""
        while not self.results:
            pos, token = self.nexttoken()
            if not self.context and (not isinstance(token, PSKeyword) or token not in _STRUCTURE):
                return pos, token  # an operand or an operator outside any array: what the stacks would give back
            if isinstance(token, PSKeyword):
                if token is KEYWORD_ARRAY_BEGIN:
                    self.start_type(pos, "a")
                elif token is KEYWORD_DICT_BEGIN:
                    self.start_type(pos, "d")
                elif token is KEYWORD_PROC_BEGIN:
                    self.start_type(pos, "p")
                elif token is KEYWORD_ARRAY_END or token is KEYWORD_PROC_END:
                    with contextlib.suppress(PSTypeError):  # an unbalanced bracket: dropped, as pdfminer does
                        ended = self.end_type("a" if token is KEYWORD_ARRAY_END else "p")
                        self.curstack.append(ended)  # onto the stack end_type went back to
                elif token is KEYWORD_DICT_END:
                    with contextlib.suppress(PSTypeError):
                        pos, objs = self.end_type("d")
                        if len(objs) % 2:
                            raise PSSyntaxError(f"Invalid dictionary construct: {objs!r}")
                        pairs = zip(objs[::2], objs[1::2], strict=True)
                        self.curstack.append((pos, {literal_name(k): v for k, v in pairs if v is not None}))
                else:
                    self.do_keyword(pos, token)
            else:
                self.curstack.append((pos, token))
            if not self.context:
                self.results += self.curstack
                self.curstack = []
        return self.results.pop(0)

    def seek(self, pos: int) -> None:
        self.at = pos

    def get_inline_data(self, pos: int, target: bytes = b"EI") -> tuple[int, bytes]:
        """An inline image's bytes, up to `target` followed by a space; reading goes on after it."""
        end = re.compile(re.escape(target) + rb"\s").search(self.data, pos)
        if end is None:
            data, self.at = self.data[pos:], len(self.data)
        else:
            data, self.at = self.data[pos : end.start()], end.end()
        return pos, _EOL_END.sub(b"", data)


def execute(interpreter: Any, streams: Any) -> None:
    """PDFPageInterpreter.execute with the fast parser, each operator's method looked up once per interpreter
    class, and no logging per operator. Circular content streams are refused as pdfminer refuses them."""
    valid = []
    interpreter.stream_ids.clear()
    for obj in streams:
        stream = stream_value(obj)
        if stream.objid is None or stream.objid in interpreter.parent_stream_ids:
            continue
        valid.append(stream)
        interpreter.stream_ids.add(stream.objid)
    parser = FastContentParser(valid)
    methods = _methods(type(interpreter))
    while True:
        try:
            _, obj = parser.nextobject()
        except PSEOF:
            break
        if isinstance(obj, PSKeyword):
            found = methods.get(obj)
            if found is None:
                found = methods[obj] = _method(type(interpreter), obj)
            name, nargs = found
            if name is None:
                continue
            func = getattr(interpreter, name)
            if nargs:
                args = interpreter.pop(nargs)
                if len(args) == nargs:
                    func(*args)
            else:
                func()
        else:
            interpreter.push(obj)


_METHODS: dict[type, dict[Any, tuple[str | None, int]]] = {}


def _methods(cls: type) -> dict[Any, tuple[str | None, int]]:
    return _METHODS.setdefault(cls, {})


def _method(cls: type, keyword: Any) -> tuple[str | None, int]:
    name = keyword_name(keyword)
    if not isinstance(name, str):
        name = str(name)
    method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
    func: Callable[..., Any] | None = getattr(cls, method, None)
    if func is None:
        return None, 0
    return method, func.__code__.co_argcount - 1


class Glyph:
    """A character where pdfminer would make an LTChar: only its box and text, which are all the reader uses
    (an LTChar also computes and keeps its font, colour space, graphic state and more)."""

    __slots__ = ("text", "x0", "x1", "y0", "y1")

    def __init__(self, x0: float, y0: float, x1: float, y1: float, text: str) -> None:
        self.x0, self.y0, self.x1, self.y1, self.text = x0, y0, x1, y1, text

    def get_text(self) -> str:
        return self.text


_UNSEEN = (3, 7)  # text render modes that draw nothing: invisible, and a clipping path only


def glyph_device(manager: Any) -> Any:
    """pdfminer's page aggregator (no layout analysis) making `Glyph`s: the box is computed as LTChar computes it.
    A character drawn invisible, or whose font gives no Unicode, makes none: the page's `hidden` and `unmapped`
    count them (nianbao.engine.readers.pdf.shown)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdffont import PDFUnicodeNotDefined

    class GlyphAggregator(PDFPageAggregator):
        cids: dict[tuple[Any, int], tuple[str | None, float]]  # each font's character and width, by character id
        hidden = unmapped = 0
        unseen = False  # the string being drawn is drawn invisible

        def begin_page(self, page: Any, ctm: Any) -> None:
            self.hidden = self.unmapped = 0
            super().begin_page(page, ctm)

        def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
            self.unseen = textstate.render in _UNSEEN
            super().render_string(textstate, seq, ncs, graphicstate)

        def render_char(
            self,
            matrix: Any,
            font: Any,
            fontsize: float,
            scaling: float,
            rise: float,
            cid: int,
            ncs: Any,
            graphicstate: Any,
        ) -> float:
            known = self.cids.get((font, cid))
            if known is None:  # a document prints the same few thousand characters again and again
                try:
                    text: str | None = font.to_unichr(cid)
                except PDFUnicodeNotDefined:
                    text = None  # its font's number for the glyph, no character
                known = self.cids[(font, cid)] = (text, font.char_width(cid))
            text, width = known
            adv = width * fontsize * scaling
            if self.unseen:
                self.hidden += 1
                return adv
            if text is None:
                self.unmapped += 1
                return adv
            if font.is_vertical():
                vx, vy = font.char_disp(cid)
                vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
                vy = (1000 - vy) * fontsize * 0.001
                bx0, by0, bx1, by1 = -vx, vy + rise + adv, -vx + fontsize, vy + rise
            else:
                descent = font.get_descent() * fontsize
                bx0, by0, bx1, by1 = 0, descent + rise, adv, descent + rise + fontsize
            a, b, c, d, e, f = matrix
            xs = (a * bx0 + c * by0 + e, a * bx1 + c * by0 + e, a * bx1 + c * by1 + e, a * bx0 + c * by1 + e)
            ys = (b * bx0 + d * by0 + f, b * bx1 + d * by0 + f, b * bx1 + d * by1 + f, b * bx0 + d * by1 + f)
            self.cur_item.add(Glyph(min(xs), min(ys), max(xs), max(ys), text))
            return adv

    device = GlyphAggregator(manager, laparams=None)
    device.cids = {}
    return device
