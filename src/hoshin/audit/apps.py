from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "hoshin.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from hoshin.audit import guard

        guard.connect_guards()
        post_migrate.connect(guard.install_triggers_after_migrate, sender=self)
