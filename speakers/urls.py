from django.urls import path

from speakers import views

app_name = "speakers"
urlpatterns = [
    path("me/profile/", views.profile_edit, name="profile"),
]
