"""Scenarios: running economies and (later) interventions, comparisons and sweeps."""
