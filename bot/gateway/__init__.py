"""The channel gateway: every channel's messages go through one path (bot.gateway.core)."""
