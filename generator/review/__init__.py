"""`handbook diff`: what a change does to the published handbook and worksheets."""
