"""The safety net: recognise a crisis in any message, answer at once, hand it to a person."""
