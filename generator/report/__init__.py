"""`handbook collect`: filled worksheets in, a private program report out."""
