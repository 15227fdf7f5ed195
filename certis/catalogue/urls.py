"""The catalogue's pages under ``/catalogue/`` (namespace ``catalogue``)."""

from django.urls import URLPattern, URLResolver, path

from .views import catalogue, checks, declarations

app_name = "catalogue"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", catalogue.index, name="index"),
    path("changes/", catalogue.changes, name="changes"),
    path("adjust/", catalogue.adjust, name="adjust"),
    path("products/<str:code>/", catalogue.product, name="product"),
    path("products/<str:code>/hs-codes/", catalogue.add_hs_code, name="add_hs_code"),
    path("hs-codes/", catalogue.hs_search, name="hs_search"),
    path("hs-codes/<int:pk>/end/", catalogue.end_hs_code, name="end_hs_code"),
    path("declarations/", declarations.lookup, name="declaration_lookup"),
    path("declarations/mine/", declarations.my_declarations, name="my_declarations"),
    path("declarations/new/", declarations.new_declaration, name="new_declaration"),
    path("declarations/<str:number>/", declarations.detail, name="declaration"),
    path("declarations/<str:number>/cancel/", declarations.cancel, name="cancel_declaration"),
    path("declarations/<str:number>/invalidate/", declarations.invalidate, name="invalidate_declaration"),
    path("declarations/<str:number>/visibility/", declarations.visibility, name="declaration_visibility"),
    path("import-checks/", checks.import_checks, name="import_checks"),
    path("import-checks/template.xlsx", checks.template, name="import_template"),
    path("import-checks/<int:pk>/", checks.import_check, name="import_check"),
    path("trusted-firms/", checks.trust, name="trust"),
]
