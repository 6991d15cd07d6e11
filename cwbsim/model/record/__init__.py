"""Recording what happened: the metric registry, the recorder and how values are shown."""
