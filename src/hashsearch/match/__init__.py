"""Stage 5, match: candidates verified, verdicts per image, folders and groups."""
