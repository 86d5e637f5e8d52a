"""Exam packs on disk: loading with precise errors, the quality lint and the statistics."""
