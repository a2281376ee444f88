"""The handbook website: Markdown pages generated from the Catalog, built by MkDocs (Material)."""
