"""Rasa custom actions: thin adapters that read slots, call a service in `bot/`, and reply."""
