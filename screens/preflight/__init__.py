"""Step 2 — Preflight."""
