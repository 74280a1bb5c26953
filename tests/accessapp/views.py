from uuid import UUID

from django.http import HttpRequest, HttpResponse

from chorus.core.access import get_for_change, get_for_view, staff_required, staff_user, visible_to
from tests.accessapp.models import Dossier


@staff_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    titles = visible_to(staff_user(request), Dossier.objects.order_by("title")).values_list(
        "title", flat=True
    )
    return HttpResponse(",".join(titles))


@staff_required
def dossier_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    return HttpResponse(get_for_view(request, Dossier.objects.all(), code=code).title)


@staff_required
def dossier_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    return HttpResponse("may change " + get_for_change(request, Dossier.objects.all(), code=code).title)
