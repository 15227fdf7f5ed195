from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "certis.demo"
    label = "demo"
    verbose_name = "Demonstration data"
