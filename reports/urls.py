from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("tong-quan/", views.dashboard, name="dashboard"),
    path("tep/<int:pk>/", views.report_file_page, name="file"),
    path("tep/<int:pk>/trang-thai/", views.report_file_status, name="file_status"),
    path("tep/<int:pk>/tai-ve/", views.report_file_download, name="file_download"),
    path("<int:year>/chay-chi-so/", views.index_runs, name="index_runs"),
    path("<int:year>/nhap-du-lieu/", views.inputs_upload, name="inputs"),
    path("<int:year>/don-vi/<str:unit_code>/", views.scorecard, name="scorecard"),
    path(
        "<int:year>/don-vi/<str:unit_code>/tai-ve.<str:file_format>",
        views.scorecard_file,
        name="scorecard_file",
    ),
    path("<int:year>/don-vi/<str:unit_code>/ke-hoach/", views.improvement_plan, name="plan"),
    path(
        "<int:year>/don-vi/<str:unit_code>/ke-hoach/tai-ve.<str:file_format>",
        views.improvement_plan_file,
        name="plan_file",
    ),
    path("van-ban/thiet-lap/", views.document_settings, name="document_settings"),
    path("<int:year>/van-ban/", views.documents, name="documents"),
    path("<int:year>/van-ban/<slug:kind>/tao/", views.document_build, name="document_build"),
    path("<int:year>/van-ban/<slug:kind>/cap-so/", views.document_issue, name="document_issue"),
    path(
        "<int:year>/don-vi/<str:unit_code>/van-ban/<slug:kind>/tao/",
        views.unit_document_build,
        name="unit_document_build",
    ),
    path("<int:year>/don-vi/<str:unit_code>/ho-so.zip", views.unit_bundle, name="unit_bundle"),
    path("<int:year>/<slug:slug>/", views.province_report, name="report"),
    path("<int:year>/<slug:slug>/tai-ve/", views.report_export, name="export"),
]
