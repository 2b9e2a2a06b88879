"""Drom's own Rasa NLU components (loaded by Rasa from config.yml; the gateway never imports them)."""
