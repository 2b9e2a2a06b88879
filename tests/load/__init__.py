"""The load test: N people on Telegram and WhatsApp at once against the real stack (`make load`)."""
