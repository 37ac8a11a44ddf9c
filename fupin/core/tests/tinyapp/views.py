from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from fupin.registry.models import Household


@login_required
def index(request: HttpRequest) -> HttpResponse:
    nos = Household.objects.visible_to(request.user).values_list("household_no", flat=True)
    return HttpResponse("小应用：" + ",".join(nos))
