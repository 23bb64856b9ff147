"""Secrets: what looks secret in values, and the redactor every output passes through."""
