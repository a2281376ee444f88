"""`python -m generator` is `handbook`."""

from generator.cli import main

main(prog_name="handbook")
