"""Channels: translate between providers (REST, SMS, Telegram) and Rasa, nothing more."""
