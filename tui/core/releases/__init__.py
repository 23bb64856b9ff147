"""Release directories: layout, builds, what's new between two, the archive of the previous one."""
