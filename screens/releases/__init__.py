"""Step 1 — Releases."""
