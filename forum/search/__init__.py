"""Full-text search over the thread titles and posts a member may read."""
