"""Demo content: the small demo for trying Kindred, the large one for performance work."""
