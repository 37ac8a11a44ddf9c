from django.urls import reverse

from fupin.core.scope_matrix import register

register("tiny index", "list", lambda w: reverse("tinyapp:index"),
         lambda w: w["household"].household_no)
