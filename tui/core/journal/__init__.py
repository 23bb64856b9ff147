"""The wizard's folder: the journal and its records, resume, the lock, transcripts, the report."""
