from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from parindex import accounts, views
from parindex.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The scripts' own messages (djangojs catalogue): gettext() and interpolate() in JS. Built
    # once a day per language (cache_page keys on the active language) and cached by the
    # browser; the pages ask for it with the language in the query (?vi, ?en), so switching
    # language never reuses the other language's copy.
    path(
        "i18n/js/",
        cache_page(86400, key_prefix="jsi18n")(JavaScriptCatalog.as_view()),
        name="javascript_catalog",
    ),
    path("dang-nhap/", accounts.ThrottledLoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", accounts.totp_verify, name="totp_verify"),
    path("tai-khoan/xac-thuc-hai-buoc/", accounts.totp_enrol, name="totp_enrol"),
    path("tai-khoan/ma-truy-cap/", accounts.account_tokens, name="account_tokens"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("parindex.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("tieu-chi/", include("scoring.urls_criteria")),
    path("don-vi/", include("scoring.urls_units")),
    path("tai-lieu/", include("evidence.urls")),
    path("bao-cao/", include("reports.urls")),
    path("tham-dinh/", include("appraisal.urls")),
    path("thong-bao/", include("appraisal.urls_notifications")),
    path("du-lieu-mo/", include("reports.urls_open")),
    path("", views.home, name="home"),
    path("", include("scoring.urls")),
]
