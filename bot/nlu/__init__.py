"""Custom Rasa NLU graph components: deterministic steps that run on every message."""
