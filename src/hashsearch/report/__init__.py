"""Stage 6, report: the lines people read, the JSON scripts read, the HTML report."""
