from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from speakers.forms import ApiTokenForm, ProfileForm
from speakers.services import profile_for, profile_update
from speakers.tokens import (
    MAX_LIVE,
    AlreadyMade,
    account_verified,
    own_tokens,
    token_revoke,
)

TOKENS_PER_PAGE = 50


@login_required
def profile_edit(request):
    profile = profile_for(request.user)
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=False):
        next_url = ""
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=profile)
        if form.is_valid():
            profile_update(user=request.user, values=form.cleaned_data)
            messages.success(request, "Your profile is saved.")
            return redirect(next_url or "speakers:profile")
        messages.error(
            request, "Your profile was not saved: please correct the fields marked below."
        )
    else:
        form = ProfileForm(instance=profile)
    return render(
        request, "speakers/profile_form.html", {"form": form, "profile": profile, "next": next_url}
    )


def _verified_or_redirect(request):
    """Tokens are for accounts with a verified email address: the others are sent to verify."""
    if account_verified(request.user):
        return None
    messages.error(request, _("Verify your email address before you make or revoke API tokens."))
    return redirect("account_email")


@login_required
def token_list(request):
    if refused := _verified_or_redirect(request):
        return refused
    tokens = Paginator(own_tokens(request.user), TOKENS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "speakers/token_list.html", {"tokens": tokens, "max_live": MAX_LIVE})


@never_cache
@login_required
def token_create(request):
    if refused := _verified_or_redirect(request):
        return refused
    form = ApiTokenForm(request.POST) if request.method == "POST" else ApiTokenForm()
    if form.is_bound and form.is_valid():
        try:
            made = form.make(request)
        except AlreadyMade as before:
            messages.warning(request, str(before))
            return redirect("speakers:tokens")
        if made is not None:
            token, secret = made
            # The one page that ever holds the secret: answered here, never kept (no session,
            # no message, no redirect), and never stored by a browser or a proxy.
            response = render(
                request, "speakers/token_created.html", {"token": token, "secret": secret}
            )
            add_never_cache_headers(response)
            return response
    return render(request, "speakers/token_form.html", {"form": form})


@login_required
def token_revoke_confirm(request, pk: int):
    """Revoke one of the account's own tokens: the page asks, the POST revokes. Another
    account's token is not found."""
    if refused := _verified_or_redirect(request):
        return refused
    token = get_object_or_404(own_tokens(request.user), pk=pk)
    if request.method == "POST":
        if token_revoke(token=token, by=request.user):
            messages.success(
                request,
                _(
                    "The token “%(name)s” is revoked: programs that use it can no longer "
                    "call the API."
                )
                % {"name": token.name},
            )
        else:
            messages.info(
                request, _("The token “%(name)s” was revoked already.") % {"name": token.name}
            )
        return redirect("speakers:tokens")
    return render(request, "speakers/token_revoke.html", {"token": token})
