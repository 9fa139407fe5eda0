from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hoshin.demo"
    label = "demo"
