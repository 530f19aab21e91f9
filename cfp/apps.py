from django.apps import AppConfig


class CfpConfig(AppConfig):
    name = "cfp"
    verbose_name = "Call for papers"
