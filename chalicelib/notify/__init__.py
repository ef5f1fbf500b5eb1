"""Alert notifications on the phone: SMS, voice calls, their queue, sender and records."""
