"""The JSON HR file (R-SYNC-2, SPEC section 9): a top-level array of staff members read chunk by
chunk, each element yielded with where it starts; never the whole file in memory."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

from ..errors import FieldError, RuleViolation
from .staging import Origin, not_json

MAX_RECORD = 1 << 20  # one staff member's JSON never needs more than 1 MB
MAX_DEPTH = 16  # levels of nesting in one record (the staff member payload nests 5)
CHUNK = 1 << 16

# One JSON object whose brackets balance (strings skipped whole), nested at most 8 deep: the
# staff member payload nests 4. Possessive, so a record cut off by the buffer end fails fast.
_STR = r'"(?:[^"\\\n]++|\\.)*+"'
_OTHER = r"[^\"{}\[\]]++"
_inner = rf"(?:{_STR}|{_OTHER})*+"
for _ in range(8):
    _inner = rf"(?:{_STR}|{_OTHER}|[\[{{]{_inner}[\]}}])*+"
_RECORD_AT = re.compile(r"\{" + _inner + r"\}").match
_WS = re.compile(r"[ \t\r\n]*")
# Strings (skipped whole) and brackets: what measures a record's nesting before it is decoded.
_NESTING = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')
_NEXT = re.compile(r"[ \t\r\n]*+,[ \t\r\n]*+")


def file_error(message: str) -> RuleViolation:
    return RuleViolation([FieldError("file", message, "R-SYNC-2")], message)


def iter_json(
    fh: TextIO, name: str = "file", *, texts: bool = False
) -> Iterator[tuple[Any, Origin]]:
    """Yield each element of a top-level JSON array with its origin (record number, line),
    chunk by chunk; memory stays at a chunk plus one record. ``texts``: an object element comes
    as its UTF-8 JSON text (bytes), found by a bracket-balancing pattern without decoding it,
    for ``staging.check_records`` to validate straight from the text (a text that is not valid
    JSON fails there, with this line and column); other elements come decoded."""
    rd = _Reader(fh, name)
    if rd.skip_ws() != "[":
        raise file_error(f"{rd.where()}: a JSON file must hold an array of staff members ([...])")
    rd.pos += 1
    index = 0
    ch = rd.skip_ws()
    if ch == "]":
        return
    while ch is not None:
        if ch == "":
            raise file_error(f"{rd.where()}: the file ends inside the array (missing ])")
        line = rd.line
        value, end, column = rd.element(ch, index, texts)
        yield value, Origin("", None, (name, index + 1, line, column))
        index += 1
        ch = rd.next_element(end, index)


class _Reader:
    """The buffer over the file: ``buf[pos:]`` is unread, ``line`` the line number at ``pos``."""

    __slots__ = ("fh", "name", "buf", "pos", "eof", "line")

    def __init__(self, fh: TextIO, name: str):
        self.fh, self.name = fh, name
        self.buf, self.pos, self.eof, self.line = "", 0, False, 1

    def fill(self) -> bool:
        """Read another chunk (at least as much as is unread): False at the end of the file."""
        if self.eof:
            return False
        data = self.fh.read(max(CHUNK, len(self.buf) - self.pos))
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def skip_ws(self) -> str:
        """Skip white space; the next character ("" at the end of the file)."""
        while True:
            end = _WS.match(self.buf, self.pos).end()
            self.line += self.buf.count("\n", self.pos, end)
            self.pos = end
            if end < len(self.buf):
                return self.buf[end]
            if not self.fill():
                return ""

    def where(self) -> str:
        col = self.pos - self.buf.rfind("\n", 0, self.pos)
        return f"{self.name}: line {self.line}, column {col}"

    def element(self, ch: str, index: int, texts: bool) -> tuple[Any, int, int]:
        """The element at ``pos`` (its first character ``ch``): (value, end, column)."""
        buf, pos = self.buf, self.pos
        m = _RECORD_AT(buf, pos) if ch == "{" else None
        if m is None:
            return self._element_slowly(ch, index, texts)
        end = m.end()
        column = pos - buf.rfind("\n", 0, pos)
        if texts:
            return buf[pos:end].encode(), end, column
        return _loads(buf[pos:end], self.name, index, self.line, column), end, column

    def _element_slowly(self, ch: str, index: int, texts: bool) -> tuple[Any, int, int]:
        """An object that runs past the buffer (read on), or any other element (decoded)."""
        m = None
        while m is None and ch == "{" and not self.eof and len(self.buf) - self.pos <= MAX_RECORD:
            self.fill()
            m = _RECORD_AT(self.buf, self.pos)
        if m is not None:
            return self.element(ch, index, texts)
        column = self.pos - self.buf.rfind("\n", 0, self.pos)
        if ch in "[{":
            self._check_limits(index, column)
        value, end = self.decoded(index)
        return value, end, column

    def _check_limits(self, index: int, column: int) -> None:
        """A record nested deeper than MAX_DEPTH, or larger than MAX_RECORD, is refused in
        those words (decoding it would exhaust the stack, or read a 50 MB string whole)."""
        deep, closed = self._nesting()
        if deep:
            raise file_error(
                f"{self.name}: line {self.line}, column {column}: record {index + 1} "
                f"is nested deeper than the limit of {MAX_DEPTH} levels"
            )
        if not closed and len(self.buf) - self.pos > MAX_RECORD:
            raise self.too_large(index, column)

    def _nesting(self) -> tuple[bool, bool]:
        """(deeper than MAX_DEPTH, its brackets close in the buffer) for the element at pos."""
        depth = 0
        for tok in _NESTING.finditer(self.buf, self.pos):
            c = tok.group()
            if c in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return True, False
            elif c in "]}":
                depth -= 1
                if depth <= 0:
                    return False, True
        return False, False

    def too_large(self, index: int, column: int) -> RuleViolation:
        return file_error(
            f"{self.name}: line {self.line}, column {column}: record {index + 1} is larger than "
            f"the limit of {MAX_RECORD:,} characters for one staff member"
        )

    def decoded(self, index: int) -> tuple[Any, int]:
        """A non-object element (or a broken object), decoded; a file error when it is not JSON."""
        dec = _DECODER
        while True:
            try:
                value, end = dec.raw_decode(self.buf, self.pos)
                if end < len(self.buf) or self.eof or not self.fill():
                    return value, end
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_RECORD:
                    raise self.too_large(
                        index, self.pos - self.buf.rfind("\n", 0, self.pos)
                    ) from None
                if self.eof or not self.fill():
                    col = exc.pos - self.buf.rfind("\n", 0, exc.pos)
                    at = self.line + self.buf.count("\n", self.pos, exc.pos)
                    if self.buf[self.pos] in "[{" and not self._nesting()[1]:
                        raise file_error(
                            f"{self.name}: line {at}, column {col}: the file ends inside record "
                            f"{index + 1}: it was cut off (an incomplete export?)"
                        ) from None
                    raise file_error(
                        f"{self.name}: line {at}, column {col}: record {index + 1} is not valid "
                        f"JSON ({exc.msg})"
                    ) from None

    def next_element(self, end: int, count: int) -> str | None:
        """Move past the element that ended at ``end`` and its comma: the next element's first
        character ("" at the end of the file), or None after the closing bracket."""
        buf, pos = self.buf, self.pos
        sep = _NEXT.match(buf, end)
        if sep is not None and sep.end() < len(buf):  # the usual ", {" to the next record
            self.line += buf.count("\n", pos, sep.end())
            self.pos = sep.end()
            return buf[self.pos]
        self.line += buf.count("\n", pos, end)
        self.pos = end
        ch = self.skip_ws()
        if ch == ",":
            self.pos += 1
            return self.skip_ws()
        if ch == "]":
            return None
        if ch == "":
            raise file_error(f"{self.where()}: the file ends inside the array (missing ])")
        raise file_error(f"{self.where()}: expected , or ] after record {count}")


_DECODER = json.JSONDecoder()


def _loads(text: str, name: str, index: int, line: int, column: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise not_json((name, index + 1, line, column), exc.msg, exc.lineno, exc.colno) from None
