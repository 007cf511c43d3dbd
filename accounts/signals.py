"""What sign-in accounts tell the layers above them: a staff member's role changed.

Sent inside the role change's transaction (`accounts.services.user_role_set`), so what a receiver
writes commits or rolls back with it: integrations revokes the person's API tokens there."""
from django.dispatch import Signal

# Arguments: `user_id`, `actor` (who changed it), `old` and `new` (role values, None for no role).
role_changed = Signal()
