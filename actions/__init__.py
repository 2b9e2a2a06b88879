"""Drom's custom actions (rasa-sdk). Every text they send is composed by bot.replies."""
