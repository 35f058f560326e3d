"""Stage 2, decode: bytes read safely, the format told by content, pixels out."""
