"""One module per source: everything about a publisher's files lives in its module here."""
