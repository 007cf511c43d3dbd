"""What sign-in accounts tell the layers above them: a staff member's role changed.

Sent inside the role change's transaction (`accounts.services.user_role_set`), so what a receiver
writes commits or rolls back with it: integrations revokes the person's API tokens there, dsr gives a
leaver's open requests back to the queue. Each locks what it will write on `role_changing`, sent just
before."""
from django.dispatch import Signal

# Sent first, in the role change's transaction, the new role already set: each receiver locks the rows
# its `role_changed` receiver will change (a customer before its rows), and writes nothing. Every audit entry
# holds the chain's head until commit, so no app's entry may come before another app's lock (the one
# lock order, `subjects.locks`), whatever order the receivers were connected in.
role_changing = Signal()

# Arguments: `user_id`, `actor` (who changed it), `old` and `new` (role values, None for no role).
role_changed = Signal()
