"""Loading content files: safe YAML with positions, discovery of the catalog's files."""
