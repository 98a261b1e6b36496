"""eventdesk: a terminal desk for a police social-media team on an event day."""
