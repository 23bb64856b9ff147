"""Preflight: tools, AWS identity, snapshots, bucket versioning and the state backup."""
