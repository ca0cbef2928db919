"""In-app notifications, following threads and boards, unread tracking, and preferences."""
