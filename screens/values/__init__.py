"""Step 7 — Values."""
