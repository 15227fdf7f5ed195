from django.urls import URLPattern, URLResolver, path

from certis.portal import views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
]
