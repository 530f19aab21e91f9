from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from speakers.forms import ProfileForm
from speakers.services import profile_for, profile_update


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
