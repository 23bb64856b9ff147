"""A command's output bytes turned into complete, decoded lines (``LineSplitter``)."""

from __future__ import annotations

MAX_LINE_BYTES = 1 << 20  # a longer line is delivered in pieces of this size


class LineSplitter:
    """Bytes in, complete decoded lines out; invalid UTF-8 becomes U+FFFD."""

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self._buffer = bytearray()
        self._max = max_line_bytes

    def feed(self, chunk: bytes) -> list[str]:
        """Add bytes; return the lines they completed (without line endings)."""
        self._buffer += chunk
        lines: list[str] = []
        cut = self._buffer.rfind(b"\n")
        if cut >= 0:
            complete = bytes(self._buffer[:cut])
            del self._buffer[: cut + 1]
            text = _decode(complete)
            lines = text.split("\n")
            if "\r" in text:
                lines = [line.removesuffix("\r") for line in lines]
        while len(self._buffer) > self._max:
            cut = self._max
            # Back off to a character boundary so a split never breaks a UTF-8 sequence.
            while cut > self._max - 4 and (self._buffer[cut] & 0xC0) == 0x80:
                cut -= 1
            lines.append(_decode(bytes(self._buffer[:cut])))
            del self._buffer[:cut]
        return lines

    @property
    def pending(self) -> str:
        """The partial line received so far (e.g. a prompt without a newline)."""
        return _decode(bytes(self._buffer)).removesuffix("\r")

    def flush(self) -> str | None:
        """The last partial line at EOF, or None when the output ended with a newline."""
        if not self._buffer:
            return None
        rest = self.pending
        self._buffer.clear()
        return rest


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
