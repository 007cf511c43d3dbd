"""Demo data for `seed_demo`: one login per staff role, two customers (one a guardian), a child,
a few more customers, and the `corebank` integration client. Idempotent."""
from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.services import user_create
from core.actors import Actor
from core.roles import Role, staff_users
from subjects import services
from subjects.models import DataSubject, GuardianDocument

# Demo passwords are published in README.md; they exist only in demo databases.
DEMO_USERS = [
    ("officer", "officer-demo-2026", Role.OFFICER),
    ("privacy", "privacy-demo-2026", Role.PRIVACY),
    ("dpo", "dpo-demo-2026", Role.DPO),
    ("auditor", "auditor-demo-2026", Role.AUDITOR),
    ("customer1", "customer1-demo-2026", Role.CUSTOMER),
    ("customer2", "customer2-demo-2026", Role.CUSTOMER),
    ("corebank", "corebank-demo-2026", Role.CLIENT),
]

# How long ago the demo's customer records were made (the youngest child was born in 2021).
CUSTOMERS_SINCE = timedelta(days=365)

DEMO_SUBJECTS = [
    # external_ref, full name, national id, date of birth, phone, e-mail, address
    ("CIF0000001", "Nguyễn Văn An", "001085012345", date(1985, 3, 14), "0912345678", "an.nguyen@example.vn",
     "12 Tràng Tiền, Hoàn Kiếm, Hà Nội"),
    ("CIF0000002", "Trần Thị Bình", "079190054321", date(1990, 11, 2), "0987654321", "binh.tran@example.vn",
     "45 Lê Lợi, Quận 1, TP. Hồ Chí Minh"),
    ("CIF0000003", "Lê Hoàng Cường", "048072000111", date(1972, 6, 30), "0903111222", "cuong.le@example.vn",
     "8 Bạch Đằng, Hải Châu, Đà Nẵng"),
    ("CIF0000004", "Phạm Thu Dung", "031095000222", date(1995, 1, 20), "0355222333", "dung.pham@example.vn",
     "21 Lạch Tray, Ngô Quyền, Hải Phòng"),
    ("CIF0000005", "Hoàng Minh Đức", "092088000333", date(1988, 9, 9), "0778333444", "duc.hoang@example.vn",
     "3 Hòa Bình, Ninh Kiều, Cần Thơ"),
]
CHILDREN = [
    # external_ref, full name, date of birth, guardian's external_ref
    ("CIF0000101", "Nguyễn Minh Khang", date(2016, 5, 1), "CIF0000001"),
    ("CIF0000102", "Nguyễn Bảo Ngọc", date(2021, 8, 15), "CIF0000001"),
]


def demo_seeding_refused() -> bool:
    """Whether `seed_demo` must refuse this installation: its logins have the passwords README.md
    publishes, and a staff member enrols the second factor at the first sign-in, so a DPO login seeded on
    a bank's installation would be anyone's. It seeds a demo (DEMO=true) and a database with no staff
    login but the demo's own (a new one: the contract's way to make demo data); it refuses an
    installation that says it is none (DEMO=false written out) or whose database has staff or superuser
    logins of its own (one in use)."""
    if settings.DEMO:
        return False
    if settings.DEMO_SWITCHED_OFF:
        return True
    demo_usernames = [username for username, _password, _role in DEMO_USERS]
    superusers = get_user_model().objects.filter(is_superuser=True)
    return any(logins.exclude(username__in=demo_usernames).exists() for logins in (staff_users(), superusers))


def seed(context: dict) -> None:
    actor = Actor.system("seed_demo")
    User = get_user_model()
    users = {}
    for username, password, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(actor=actor, username=username, password=password, role=role)
        users[username] = user
    subjects = {}
    for ref, name, national_id, born, phone, email, address in DEMO_SUBJECTS:
        subjects[ref] = DataSubject.objects.filter(external_ref=ref).first() or services.subject_create(
            actor=actor, external_ref=ref, full_name=name, national_id=national_id, date_of_birth=born,
            phone=phone, email=email, address=address,
        )
    for ref, name, born, guardian_ref in CHILDREN:
        child = DataSubject.objects.filter(external_ref=ref).first()
        if child is None:
            child = services.subject_create(actor=actor, external_ref=ref, full_name=name, date_of_birth=born,
                                            guardian=subjects[guardian_ref])
            services.subject_guardian_verify(
                actor=actor, subject_id=child.pk, evidence=f"demo-birth-certificate-{child.external_ref}",
                document=GuardianDocument.BIRTH_CERTIFICATE,
            )
        subjects[ref] = child
    # The demo's customers have banked with it for years: their records date from before the demo's
    # breach and requests (a breach reaches only those who were customers when it was detected).
    DataSubject.objects.filter(pk__in=[subject.pk for subject in subjects.values()]).filter(
        created_at__gt=timezone.now() - CUSTOMERS_SINCE
    ).update(created_at=timezone.now() - CUSTOMERS_SINCE)
    for username, ref in (("customer1", "CIF0000001"), ("customer2", "CIF0000002")):
        if not hasattr(users[username], "customer_account"):
            services.customer_account_link(actor=actor, user=users[username], subject=subjects[ref])
    context.update(users=users, subjects=subjects, actor=actor)
