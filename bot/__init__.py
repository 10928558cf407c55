"""First 1,000 days: a text assistant for expectant mothers, parents and health visitors."""
