"""What admins do to run the competition (called by the ``flask`` CLI): voids, bans, the jury, finalists,
takedowns, stats, media clean-up, fraud review. Services on plain arguments; each change is audited."""
