"""Printable and fillable PDF worksheets: Jinja HTML templates, one print stylesheet, WeasyPrint."""
