from django.urls import path

from . import views_notifications

urlpatterns = [
    path("", views_notifications.notification_list, name="notifications"),
    path("<int:notification_id>/", views_notifications.notification_open, name="notification_open"),
]
