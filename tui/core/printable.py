"""Text from files we did not write, made safe to print on the operator's terminal.

A plan address, a values key or a reason read from a file may hold terminal control
sequences (``ESC [ 2 J`` clears the screen, ``ESC ] 0 ;`` retitles the window, a
carriage return overwrites the line) or Unicode direction overrides that make a
line read differently from what it holds. Printed raw, they could hide an
unexpected change from the operator. ``printable`` is the one escaping function:
every such character is shown as its Python escape (``\\x1b``, ``\\u202e``).
"""

from __future__ import annotations

import re

# C0 controls (newline and tab included), DEL, C1 controls, and the Unicode
# formatting characters that reorder or hide text (bidi embeddings, overrides and
# isolates, marks, zero-width joiners and spaces, the BOM, line/paragraph separators).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control or formatting character escaped (``\\x1b``, ``\\n``…).

    One line in, one line out: a newline in a name is shown as ``\\x0a``, never
    printed. Callers that show several lines escape each line.
    """
    if text.isprintable():  # the common case: nothing to escape, no regex pass
        return text
    return _UNSAFE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """``text`` with each of its lines escaped: the newlines between them are kept.

    For a message that is several lines by design (a dialog body, a detail pane)
    and may quote a file; tabs are expanded first (an output column, not a trick).
    """
    if text.isprintable():
        return text
    return "\n".join(printable(line.expandtabs()) for line in text.split("\n"))
