from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("inbox/", views.NotificationListView.as_view(), name="inbox"),
    path("inbox/<int:pk>/open/", views.NotificationOpenView.as_view(), name="notification-open"),
    path("inbox/read-all/", views.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("language/", views.LanguageSwitchView.as_view(), name="language-switch"),
    path("audit/", views.AuditRecordListView.as_view(), name="audit-list"),
    path("calendar/", views.SpecialDayListView.as_view(), name="calendar"),
    path("sms/", views.SmsMessageListView.as_view(), name="sms-list"),
]
