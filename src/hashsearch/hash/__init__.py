"""Stage 3, hash: one file to a signature, and many files through the cache and workers."""
