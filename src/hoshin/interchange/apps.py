from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "hoshin.interchange"
    label = "interchange"
