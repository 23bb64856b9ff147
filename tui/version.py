"""The installed package's version (journaled with each session, printed by --version)."""

from __future__ import annotations


def package_version() -> str:
    """The version of the installed mocm-upgrade, or ``0+unknown`` from a bare checkout."""
    from importlib.metadata import PackageNotFoundError, version  # metadata scans are slow

    try:
        return version("mocm-upgrade")
    except PackageNotFoundError:
        return "0+unknown"
