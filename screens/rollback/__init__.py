"""Step 10 — Rollback."""
