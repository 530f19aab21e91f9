from django.urls import path

from speakers.api.views import Me

urlpatterns = [path("me/", Me.as_view(), name="me")]
