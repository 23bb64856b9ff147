"""The upgrade playbook: every release-specific fact, as typed records loaded from a data file."""
