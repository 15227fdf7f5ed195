"""The catalogue's pages under ``/catalogue/`` (namespace ``catalogue``)."""

from django.urls import URLPattern, URLResolver, path

from . import catalogue_views, check_views, declaration_views

app_name = "catalogue"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", catalogue_views.index, name="index"),
    path("changes/", catalogue_views.changes, name="changes"),
    path("adjust/", catalogue_views.adjust, name="adjust"),
    path("products/<str:code>/", catalogue_views.product, name="product"),
    path("products/<str:code>/hs-codes/", catalogue_views.add_hs_code, name="add_hs_code"),
    path("hs-codes/", catalogue_views.hs_search, name="hs_search"),
    path("hs-codes/<int:pk>/end/", catalogue_views.end_hs_code, name="end_hs_code"),
    path("declarations/", declaration_views.lookup, name="declaration_lookup"),
    path("declarations/mine/", declaration_views.my_declarations, name="my_declarations"),
    path("declarations/new/", declaration_views.new_declaration, name="new_declaration"),
    path("declarations/<str:number>/", declaration_views.detail, name="declaration"),
    path("declarations/<str:number>/cancel/", declaration_views.cancel, name="cancel_declaration"),
    path(
        "declarations/<str:number>/invalidate/", declaration_views.invalidate, name="invalidate_declaration"
    ),
    path(
        "declarations/<str:number>/visibility/", declaration_views.visibility, name="declaration_visibility"
    ),
    path("import-checks/", check_views.import_checks, name="import_checks"),
    path("import-checks/template.xlsx", check_views.template, name="import_template"),
    path("import-checks/<int:pk>/", check_views.import_check, name="import_check"),
    path("trusted-firms/", check_views.trust, name="trust"),
]
