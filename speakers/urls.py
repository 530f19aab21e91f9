from django.urls import path

from speakers import views

app_name = "speakers"
urlpatterns = [
    path("me/profile/", views.profile_edit, name="profile"),
    path("me/tokens/", views.token_list, name="tokens"),
    path("me/tokens/new/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke_confirm, name="token_revoke"),
]
