from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hoshin.core"
    label = "core"
