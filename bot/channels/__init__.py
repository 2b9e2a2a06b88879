"""Rendering Drom's replies for each channel's limits and markup."""
