"""Step 8 — Helm."""
