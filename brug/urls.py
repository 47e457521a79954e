from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from api.api import api
from web.views import sign_in

admin.site.site_header = "Brug admin"
# The admin signs in through the same login page, with its throttle and second factor.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("login/", sign_in.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("auth/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("web.urls")),
]
