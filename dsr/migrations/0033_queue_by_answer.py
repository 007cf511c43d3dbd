"""The staff queue sorts a request awaiting the customer by the date its row shows, the law's deadline
while the bank's clock stands still, not the bank's frozen one (`dsr.models.binding_due_at`). The index
on the new expression is built online first, so the queue keeps an index throughout; the old one is
dropped after, a catalogue change that holds the table's lock only for a moment."""

import django.db.models.functions.comparison
from django.db import migrations, models

from core.schema import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False  # AddIndexOnline: CREATE INDEX CONCURRENTLY, writes go on while it is built

    dependencies = [
        ('dsr', '0032_request_challenges'),
    ]

    operations = [
        AddIndexOnline(
            model_name='datasubjectrequest',
            index=models.Index(models.Case(models.When(models.Q(('status__in', ['awaiting_customer', 'in_progress', 'received', 'verifying_identity']), ('paused_at__lt', models.F('due_at'))), then=models.F('statutory_due_at')), models.When(models.Q(('status__in', ['awaiting_customer', 'in_progress', 'received', 'verifying_identity'])), then=django.db.models.functions.comparison.Least(models.F('due_at'), django.db.models.functions.comparison.Coalesce(models.F('statutory_due_at'), models.F('due_at')))), default=None), models.OrderBy(models.F('received_at'), descending=True), models.F('id'), name='dsr_queue_by_answer'),
        ),
        migrations.RemoveIndex(
            model_name='datasubjectrequest',
            name='dsr_queue_order',
        ),
    ]
