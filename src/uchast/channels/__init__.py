"""Channels: where a stored notification goes besides the person's inbox (e-mail now or in a digest,
Telegram, web push), every send recorded. Sits on the floor above ``accounts``: core's
``notify`` stores the inbox item and hands the ids to this app's dispatcher (``core.registry``)."""
