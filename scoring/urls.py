from django.urls import path

from . import views

urlpatterns = [
    path("xep-hang/", views.ranking_index, name="ranking_index"),
    path("xep-hang/<int:year>/", views.ranking_year, name="ranking_year"),
]

# The agency self-assessment workspace.
urlpatterns += [
    path("ho-so/<int:assessment_id>/", views.workspace, name="workspace"),
    path(
        "ho-so/<int:assessment_id>/linh-vuc/<str:field_code>/",
        views.field_form,
        name="field_form",
    ),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<int:criterion_id>/luu/",
        views.leaf_save,
        name="leaf_save",
    ),
    path("ho-so/<int:assessment_id>/nop/", views.assessment_submit, name="assessment_submit"),
    path("ho-so/<int:assessment_id>/rut/", views.assessment_withdraw, name="assessment_withdraw"),
]
