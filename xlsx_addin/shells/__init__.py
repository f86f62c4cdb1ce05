"""Shells layer: a command line, a window or a button turned into calls of the jobs; nothing computed."""
