"""The state backend: which one is in use, and the B.1 migration to S3."""
