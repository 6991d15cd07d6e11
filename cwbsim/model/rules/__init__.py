"""Adaptive rules and policy levers: tenders, jobs and wage floors, firm entry and exit."""
