"""Notices (村务公开) and emergency broadcasts (应急广播) with per-household read receipts."""
