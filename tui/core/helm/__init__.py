"""The Helm layer: images, CHANGELOG, lint, helmfile diff and sync, history and rollback."""
