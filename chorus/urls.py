from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from chorus.api.v1 import api as staff_api
from chorus.core import views as core_views

admin.site.site_header = "Chorus administration"
admin.site.site_title = "Chorus administration"

handler403 = "chorus.core.views.error_403"
handler404 = "chorus.core.views.error_404"
handler500 = "chorus.core.views.error_500"

urlpatterns = [
    path("brand.css", core_views.brand_css, name="brand_css"),
    path("healthz", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("django-admin/", admin.site.urls),
    # Not under /cy/: the API and its script serve both languages.
    path("api/feedback/v1/", include("chorus.feedback.api_urls")),
    path("api/v1/", staff_api.urls),
    path("", include(("chorus.bulletins.tracking_urls", "bulletins_tracking"))),
]
# The insights app's pages are under the language prefix; its files and API are not.
urlpatterns += [path("", include(("chorus.insights.file_urls", "insights_files")))]

# English at the root, Welsh under /cy/.
urlpatterns += i18n_patterns(
    path("", include("chorus.core.urls")),
    path("", include("chorus.accounts.urls")),
    path("staff/directory/", include("chorus.directory.urls")),
    path("", include("chorus.directory.public_urls")),
    path("", include("chorus.engagement.urls")),
    path("", include("chorus.events.urls")),
    path("", include("chorus.cases.urls")),
    path("", include("chorus.public_calendar.urls")),
    path("", include("chorus.consultations.urls")),
    path("", include("chorus.equality.urls")),
    path("", include("chorus.feedback.urls")),
    path("", include("chorus.analysis.urls")),
    path("", include("chorus.bulletins.urls")),
    path("", include("chorus.ideas.urls")),
    path("", include("chorus.insights.urls")),
    path("", include("chorus.api.urls")),
    path("", include("chorus.webhooks.urls")),
    prefix_default_language=False,
)
