"""Empathy reactions: "I hear you", "Me too", "Sending strength", "This helped"."""
