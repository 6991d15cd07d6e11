"""Calibration: read councils' spend files, place who was paid, build and fit an economy."""
