"""One modal dialog per kind: confirm, reason, typed phrase, error, help."""
