"""Links from history rows to the API token that made the change."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class HistoryToken(models.Model):
    """The API token behind one history row; the row itself names the token's user.

    The token is referenced without a database constraint and its label is
    copied, so the audit log keeps naming it after the token is deleted.
    """

    history_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    history_id = models.BigIntegerField()
    token = models.ForeignKey(
        "accounts.ApiToken", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    token_label = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("history token")
        constraints = [models.UniqueConstraint(fields=["history_type", "history_id"], name="history_token_unique")]
