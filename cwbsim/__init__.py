"""cwbsim: agent-based simulation of money flowing through a local economy."""
