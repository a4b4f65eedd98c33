"""The documentation: the site builds strictly, and every code block in it is checked."""
