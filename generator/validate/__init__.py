"""Validation: schema errors first, then the rules a schema cannot express."""
