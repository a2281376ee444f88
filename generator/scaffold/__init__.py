"""`handbook new`: a ready catalog repository from the default catalog and CI/editor files."""
