"""When each recipient was told (its notice's delivery, copied onto the duty) and how it learnt and
confirmed. Duties whose notice the outbox already delivered are dated from the outbox's `sent_at` (kept:
webhooks are never purged), when it came before the confirmation; how earlier confirmations were made
was not recorded and stays blank.

Not atomic, so that withdrawals, corrections and erasures go on while it runs: the index is built online
(`core.schema.AddIndexOnline`) and the duties are dated a batch at a time, each batch in its own
transaction. A pass stopped half-way is simply run again: dating a duty twice gives the same date."""

from django.db import migrations, models, transaction
from django.db.models import F, OuterRef, Q, Subquery

from core.schema import AddIndexOnline

BATCH = 1000


def told_from_the_outbox(apps, schema_editor):
    duty_model = apps.get_model("consents", "WithdrawalDuty")
    message_model = apps.get_model("integrations", "OutboxMessage")
    sent_at = message_model.objects.filter(pk=OuterRef("notice_message_id"), status="sent").values("sent_at")
    with_notice = duty_model.objects.filter(notice_message_id__isnull=False).order_by("pk")
    last = None
    while True:
        after = with_notice if last is None else with_notice.filter(pk__gt=last)
        batch = list(after.values_list("pk", flat=True)[:BATCH])
        if not batch:
            return
        with transaction.atomic(using=duty_model.objects.db):
            duties = duty_model.objects.filter(pk__in=batch)
            duties.update(told_at=Subquery(sent_at[:1]))
            duties.filter(told_at__gt=F("acknowledged_at")).update(told_at=None)
            duties.filter(~Q(status="open"), told_at__isnull=False).update(learnt_how="notice")
        last = batch[-1]


class Migration(migrations.Migration):

    atomic = False  # see the module's docstring

    dependencies = [
        ('consents', '0019_duty_restriction_erasure_kinds'),
        ('integrations', '0005_idempotency_access_fingerprint'),
    ]

    operations = [
        migrations.AddField(
            model_name='withdrawalduty',
            name='confirmed_through',
            field=models.CharField(blank=True, choices=[('recipient_api', "The recipient's own API client"), ('staff', 'Recorded by staff')], max_length=16),
        ),
        migrations.AddField(
            model_name='withdrawalduty',
            name='learnt_how',
            field=models.CharField(blank=True, choices=[('notice', 'Notice delivered'), ('api', 'Learnt through the API'), ('by_hand', 'Reached by hand')], max_length=16),
        ),
        migrations.AddField(
            model_name='withdrawalduty',
            name='told_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        AddIndexOnline(
            model_name='withdrawalduty',
            index=models.Index(condition=models.Q(('notice_message_id__isnull', False)), fields=['notice_message_id'], name='duty_notice_message'),
        ),
        migrations.RunPython(told_from_the_outbox, migrations.RunPython.noop),
    ]
