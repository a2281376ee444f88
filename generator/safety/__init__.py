"""Where untrusted catalog content is made inert: rich text, logos, and the post-build scan."""
