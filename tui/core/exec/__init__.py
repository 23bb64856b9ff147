"""Running commands: argument lists, process groups, prompts, cancel, results, records."""
