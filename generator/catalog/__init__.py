"""The catalog model and how it is built from validated documents."""
