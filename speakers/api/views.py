from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import errors
from speakers.api.permissions import SignedIn


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(allow_blank=True)
    is_staff = serializers.BooleanField()
    token_scope = serializers.CharField(
        allow_null=True, help_text="The scope of the token used (null with the session)."
    )


class Me(APIView):
    """Who the token (or the session) belongs to: the account, and the token's scope."""

    permission_classes = [SignedIn]

    @extend_schema(responses={200: MeSerializer, **errors(401)}, operation_id="me_retrieve")
    def get(self, request):
        user = request.user
        profile = getattr(user, "profile", None)
        token = request.auth if hasattr(request.auth, "scope") else None
        return Response(
            MeSerializer(
                {
                    "id": user.pk,
                    "email": user.email,
                    "name": profile.name if profile is not None else "",
                    "is_staff": user.is_staff,
                    "token_scope": token.scope if token is not None else None,
                }
            ).data
        )
