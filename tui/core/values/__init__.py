"""The values.yaml merge: load, align, edit, render and save, keeping comments."""
