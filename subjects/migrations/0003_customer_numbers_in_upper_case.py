"""Customer numbers (CIF) are stored in upper case, as the core system writes them and as registration
now stores them (`subjects.validators.validate_external_ref`). A customer registered before with a CIF
typed in lower case is given it in upper case, and so is a customer number a DPO let share a citizen ID
(`NationalIdShare.external_ref`).

Where the upper-case number is already another customer's (the same person registered twice, once in
lower case), the row is left as it is and its id logged: merging two customers' consents and requests
is the DPO's decision, not a migration's. Both stay found by the staff look-up, and each spelling by the
API (`subjects.selectors.subject_for_ref` prefers the row stored as typed).

Only the historical models (`apps.get_model`), reading no encrypted column. Going back leaves the
numbers in upper case (no-op): the lower-case spelling is not kept.
"""

import logging

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Upper

logger = logging.getLogger("subjects.migrations")


def customer_numbers_in_upper_case(apps, schema_editor):
    DataSubject = apps.get_model("subjects", "DataSubject")
    NationalIdShare = apps.get_model("subjects", "NationalIdShare")
    lower = (
        DataSubject.objects.annotate(upper=Upper("external_ref"))
        .exclude(external_ref=F("upper"))
        .values_list("pk", "external_ref")
    )
    for pk, ref in list(lower):
        if DataSubject.objects.filter(external_ref=ref.upper()).exists():
            logger.warning(
                "Customer %s keeps its customer number in lower case: the same number in upper case "
                "belongs to another customer (the DPO decides whether they are one person).", pk,
            )
            continue
        DataSubject.objects.filter(pk=pk).update(external_ref=ref.upper())
    shares = (
        NationalIdShare.objects.annotate(upper=Upper("external_ref"))
        .exclude(external_ref=F("upper"))
        .values_list("pk", "subject_id", "external_ref")
    )
    for pk, subject_id, ref in list(shares):
        if NationalIdShare.objects.filter(subject_id=subject_id, external_ref=ref.upper()).exists():
            continue  # the same share, given again in upper case: nothing to add
        NationalIdShare.objects.filter(pk=pk).update(external_ref=ref.upper())


class Migration(migrations.Migration):

    dependencies = [
        ("subjects", "0002_subject_fingerprint_salt"),
    ]

    operations = [migrations.RunPython(customer_numbers_in_upper_case, migrations.RunPython.noop)]
