"""Step 6 — Apply."""
