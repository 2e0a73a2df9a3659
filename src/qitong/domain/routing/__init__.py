"""Routing rules: the responsibility list's periods, text normalisation, cold-start keyword scoring."""
