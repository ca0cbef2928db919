"""In-app notifications: what members are told (moderation outcomes, facilitator messages)."""
