"""Step 3 — Backend."""
