"""Helpers shared by the tests: release pairs, worlds, apps, screen text."""
