"""Step 5 — Plan."""
