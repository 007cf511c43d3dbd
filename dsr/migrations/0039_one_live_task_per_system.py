"""A system has one live task a request: a task called off (its request ended unanswered, or a hold for
a dispute stopped its erasure) leaves room for a fresh one once the hold ends. The unique index on the
tasks is rebuilt without locking their writes (docs/deployment.md, "Indexes built online"): the new one
built concurrently before the old one is dropped."""

from django.db import migrations, models

from core.schema import sql_by_vendor

NEW_INDEX = (
    'CREATE UNIQUE INDEX {concurrently}"dsr_one_live_task_per_system" ON "dsr_fulfilmenttask" '
    '("request_id", "system_id") WHERE ("hold_id" IS NULL AND NOT ("status" = \'called_off\'))'
)
OLD_INDEX = (
    'CREATE UNIQUE INDEX {concurrently}"dsr_one_task_per_system" ON "dsr_fulfilmenttask" '
    '("request_id", "system_id") WHERE "hold_id" IS NULL'
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('dsr', '0038_authority_disclosure'),
    ]

    operations = [
        migrations.AlterField(
            model_name='fulfilmenttask',
            name='status',
            field=models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('called_off', 'Called off: the request ended unanswered, or the DPO keeps the data')], default='open', max_length=16),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='fulfilmenttask',
                    name='dsr_one_task_per_system',
                ),
                migrations.AddConstraint(
                    model_name='fulfilmenttask',
                    constraint=models.UniqueConstraint(condition=models.Q(('hold__isnull', True), models.Q(('status', 'called_off'), _negated=True)), fields=('request', 'system'), name='dsr_one_live_task_per_system'),
                ),
            ],
            database_operations=[
                sql_by_vendor(
                    {
                        # A run that failed half-way is run again: an invalid index it left is rebuilt.
                        "postgresql": [
                            'DROP INDEX CONCURRENTLY IF EXISTS "dsr_one_live_task_per_system"',
                            NEW_INDEX.format(concurrently="CONCURRENTLY "),
                            'DROP INDEX CONCURRENTLY IF EXISTS "dsr_one_task_per_system"',
                        ],
                        "sqlite": [
                            'DROP INDEX IF EXISTS "dsr_one_task_per_system"',
                            NEW_INDEX.format(concurrently=""),
                        ],
                    },
                    {
                        "postgresql": [
                            'DROP INDEX CONCURRENTLY IF EXISTS "dsr_one_task_per_system"',
                            OLD_INDEX.format(concurrently="CONCURRENTLY "),
                            'DROP INDEX CONCURRENTLY IF EXISTS "dsr_one_live_task_per_system"',
                        ],
                        "sqlite": [
                            'DROP INDEX IF EXISTS "dsr_one_live_task_per_system"',
                            OLD_INDEX.format(concurrently=""),
                        ],
                    },
                ),
            ],
        ),
    ]
