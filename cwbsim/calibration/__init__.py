"""Calibration from spend files (planned)."""
