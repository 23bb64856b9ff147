"""Reading ``terraform.tfvars`` with python-hcl2 (never with regexes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.core.errors import ParseError


def unquote(value: Any) -> Any:
    """python-hcl2 returns strings with their quotes; strip them, recursively."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [unquote(v) for v in value]
    if isinstance(value, dict):
        return {k: unquote(v) for k, v in value.items()}
    return value


def parse_hcl(text: str, path: Path) -> dict[str, Any]:
    """Parse HCL text; a syntax error becomes a ParseError with line and column."""
    import hcl2  # python-hcl2

    try:
        data = hcl2.loads(text)
    except Exception as exc:  # lark raises several exception types
        line = getattr(exc, "line", None)
        column = getattr(exc, "column", None)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reason = f"not valid HCL ({first.split(' at line')[0]})"
        raise ParseError(
            str(path),
            reason,
            line if isinstance(line, int) else None,
            column if isinstance(column, int) else None,
        ) from exc
    if not isinstance(data, dict):
        raise ParseError(str(path), "not an HCL body")
    return data


def read_tfvars(path: Path) -> dict[str, Any]:
    """Variables of a tfvars file, with string quotes removed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ParseError(str(path), "file not found") from exc
    except PermissionError as exc:
        raise ParseError(str(path), "permission denied") from exc
    except UnicodeDecodeError as exc:
        raise ParseError(str(path), "not UTF-8 text") from exc
    except IsADirectoryError as exc:
        raise ParseError(str(path), "is a directory, expected a file") from exc
    raw = parse_hcl(text, path)
    return {key: unquote(value) for key, value in raw.items()}
