"""The "What helped" coping library: helpful posts, shown per board with their authors' consent."""
