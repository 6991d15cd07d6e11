"""The Mesa model: agents, economy graph, money-flow engines, ledger and metrics."""
