"""Moving money: the vectorised engine, the agent-by-agent reference engine, flows and closed forms."""
