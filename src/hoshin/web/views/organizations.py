"""The entry pages: the list of the user's organizations and the organization switch."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse

from hoshin.web.access import organization_for, user_organizations
from hoshin.web.pages import respond, wants_json


@login_required
def index(request, as_json: bool = False):
    """Redirect to the only organization, or list the organizations when there are several or none."""
    request.wants_json = wants_json(request, as_json)
    organizations = list(user_organizations(request.user).only("key", "name"))
    if len(organizations) == 1 and not request.wants_json:
        return redirect("org-home", organizations[0].key)

    data = {
        "organizations": [
            {"key": item.key, "name": item.name, "url": reverse("org-home", args=[item.key])} for item in organizations
        ]
    }
    return respond(request, "web/index.html", data)


@login_required
def switch_organization(request):
    organization = organization_for(request.user, request.GET.get("organization", ""))
    return redirect("org-home", organization.key)
