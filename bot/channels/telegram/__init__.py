"""The Telegram channel (python-telegram-bot): people talk to Drom; champions answer in a group."""
