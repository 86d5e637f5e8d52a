"""Tests of the bundled question bank itself."""
