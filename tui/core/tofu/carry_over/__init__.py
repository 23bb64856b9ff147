"""Carry-over: the customer's files copied into the new release, previewed then applied."""
