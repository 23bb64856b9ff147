"""OpenTofu: state files, tfvars, commands and their failures."""
