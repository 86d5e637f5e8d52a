"""studybot's test suite."""
