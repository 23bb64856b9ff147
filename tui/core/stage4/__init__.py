"""Stage 4: evidence that the old cache is idle and unreferenced, its snapshot and teardown."""
