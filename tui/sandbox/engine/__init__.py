"""The demo world run by the real engine: Terraform with hashicorp/aws from a filesystem
mirror and hashicorp/random served by :mod:`random_provider`, against the sandbox's endpoint."""
