"""The handbook as one branded PDF: the site's pages, in the site's order, laid out for print."""
