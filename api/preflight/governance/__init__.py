"""What policy owners set and read: crisis mode, live events, approvals and their webhooks, rule reports, impact previews."""
