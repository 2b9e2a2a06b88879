"""The WhatsApp channel on Meta's WhatsApp Cloud API: webhooks in, Graph API out."""
