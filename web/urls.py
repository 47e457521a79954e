from web.views import (
    answer,
    assessments,
    courses,
    engagements,
    health,
    home,
    organisations,
    partnerships,
    people,
    relationships,
    tokens,
)

urlpatterns = [
    *home.urlpatterns,
    *organisations.urlpatterns,
    *people.urlpatterns,
    *relationships.urlpatterns,
    *partnerships.urlpatterns,
    *courses.urlpatterns,
    *engagements.urlpatterns,
    *tokens.urlpatterns,
    *health.urlpatterns,
    *assessments.urlpatterns,
    *answer.urlpatterns,
]
