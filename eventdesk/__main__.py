"""`python -m eventdesk` is the `eventdesk` command."""

from eventdesk.cli import main

main()
