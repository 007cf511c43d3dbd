"""Account and key security: key rotation and its start-up canary, two-factor sign-in for staff,
the lock-out page and the session authentication that honours two-factor verification."""
