"""Date and number formats of the portal (FORMAT_MODULE_PATH): the same in both languages
and in Django admin — `2026-11-28`, `2026-11-28 14:05` (Beijing time, 24-hour clock)."""
