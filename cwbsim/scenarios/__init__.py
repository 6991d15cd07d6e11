"""Scenarios: interventions on a running economy, comparisons, sweeps, and how runs are evaluated."""
