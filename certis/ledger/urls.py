"""The ledger's URLs, in two named lists: ``log_patterns``, the log itself as tlog-tiles serves it (mounted at
``/log/``, the log's URL prefix), and ``page_patterns``, the staff pages (mounted at ``/ledger/``)."""

from django.urls import URLPattern, path, re_path

from . import views

INDEX = r"(?P<index>(?:x\d{3}/)*\d{3})"
WIDTH = r"(?:\.p/(?P<width>\d+))?"

log_patterns: list[URLPattern] = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    path("keys", views.keys, name="keys"),
    re_path(rf"^tile/entries/{INDEX}{WIDTH}$", views.entries, name="entries"),
    re_path(rf"^tile/(?P<level>\d+)/{INDEX}{WIDTH}$", views.tile, name="tile"),
]

page_patterns: list[URLPattern] = [path("alerts/", views.alert_list, name="alert_list")]
