"""unaccent, for matching candidates to claims whatever the accents ("Kyïv", "Kyiv"); trusted since PostgreSQL 13."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_claim_claimant_status")]

    operations = [UnaccentExtension()]
