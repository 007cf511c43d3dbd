"""Staff members' settings beyond sign-in, and the languages the platform writes in.

The staff profile's table keeps its original `core_` name: the model moved here from `core`."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """The languages the platform speaks (settings.LANGUAGES); e-mails go out in the recipient's one.

    Labels are each language's own name, as on the language switch."""

    VI = "vi", _("Tiếng Việt")
    EN = "en", _("English")


class StaffProfile(models.Model):
    """A staff member's settings beyond sign-in: the language of the e-mails the platform sends them,
    and the last day of a role granted for a while.

    Created on the first change; a staff member without one gets the site default (accounts.languages)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.VI
    )
    # The last day (local) the staff role is held, for a contractor or a deputy acting for a while; the
    # hourly `expire-roles` removes the role once it has passed (`accounts.services.roles_expire`).
    role_until = models.DateField(_("role held until"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "core_staffprofile"
        verbose_name = _("staff profile")
        indexes = [
            models.Index(fields=["role_until"], name="staffprofile_role_until",
                         condition=models.Q(role_until__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"StaffProfile user={self.user_id}"
