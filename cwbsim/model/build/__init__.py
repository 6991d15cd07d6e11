"""Building an economy from a spec: firms, households, jobs, contracts, networks, the opening steady state."""
