"""Load-and-authorize for every page: the organizations a user may open, and objects scoped to them.

A page never looks up an object by its key alone. It goes through
`organization_for` (the organization in the URL, only when the user is a
member or a superuser) and then `scoped_get` (an object of that
organization that the user may see). An object of another organization is
therefore a 404, the same as an object that does not exist, so ids and
keys leak nothing.
"""

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from hoshin.accounts.models import Membership
from hoshin.accounts.visibility import filter_visible
from hoshin.kpis.models import Kpi
from hoshin.okrs.models import KeyResult, OkrObjective
from hoshin.organizations.models import Cycle, Organization, Perspective, StrategicObjective, Unit

# The path from each model a page looks up to its organization.
ORGANIZATION_PATHS: dict[type[Model], str] = {
    Cycle: "organization",
    Kpi: "organization",
    KeyResult: "objective__organization",
    OkrObjective: "organization",
    Perspective: "organization",
    StrategicObjective: "organization",
    Unit: "organization",
}


def user_organizations(user) -> QuerySet[Organization]:
    """Return the organizations `user` may open: those with a membership, or all for a superuser."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user).distinct()


def organization_for(user, key: str) -> Organization:
    """Return the organization with `key`, or raise 404 when it does not exist or `user` is not a member."""
    return get_object_or_404(user_organizations(user), key=key)


def visible(request, queryset: QuerySet) -> QuerySet:
    """Narrow `queryset` to the rows of the request's organization that its user may see."""
    return filter_visible(request.user, request.organization, queryset)


def scoped_get(request, model_or_queryset, **lookup) -> Model:
    """Return the object matching `lookup` in the request's organization, or raise 404.

    In a restricted organization an object of a unit the user may not see
    is a 404 as well.
    """
    queryset = model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset._default_manager.all()
    path = ORGANIZATION_PATHS.get(queryset.model)
    if path is None:
        raise Http404(f"{queryset.model.__name__} is not a page object")
    return get_object_or_404(visible(request, queryset.filter(**{path: request.organization})), **lookup)


def home_unit(user, organization: Organization) -> Unit | None:
    """Return the unit of the user's first membership in `organization`, else its root unit."""
    membership = (
        Membership.objects.filter(user=user, organization=organization, unit__isnull=False)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    if membership is not None:
        return membership.unit
    return Unit.objects.filter(organization=organization, parent__isnull=True, archived=False).order_by("pk").first()

