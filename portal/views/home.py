from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..selectors import home_panels


@login_required
def home(request):
    return render(request, "portal/home.html", {"panels": home_panels(request.user)})
