"""The app's own tables (people, consent, escalations, audit) and Rasa's tracker store."""
