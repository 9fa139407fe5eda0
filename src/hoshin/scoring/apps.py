from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "hoshin.scoring"
    label = "scoring"
    verbose_name = _("Scoring")

    def ready(self):
        from hoshin.scoring.cache import connect_signals

        connect_signals()
