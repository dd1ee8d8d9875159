"""Claim counts per claimant and state for the claimant index, answered from an index.

Built concurrently: at a million claims a plain CREATE INDEX would block writes to claims.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("claims", "0005_search_alias"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True)),
                fields=["claimant", "status"],
                name="claim_claimant_status",
            ),
        ),
    ]
