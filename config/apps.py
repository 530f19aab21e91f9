from django.contrib.admin.apps import AdminConfig


class LecternAdminConfig(AdminConfig):
    """Django's admin with Lectern's site (config.admin.LecternAdminSite) as `admin.site`."""

    default_site = "config.admin.LecternAdminSite"
