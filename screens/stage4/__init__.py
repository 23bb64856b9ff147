"""Step 9 — Stage 4."""
