"""Sub-commands of the `ersl` command line, one module each."""
