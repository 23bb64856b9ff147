"""Step 4 — Carry-over."""
