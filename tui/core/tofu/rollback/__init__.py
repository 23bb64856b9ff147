"""Rollback: option A (local state) and option B (S3 object versions)."""
