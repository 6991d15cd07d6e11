"""The economy's state: the arrays of agents, relationships, contracts, workforce and spending rules."""
