"""Security: the one sanitiser, input text rules, response headers and permission checks."""
