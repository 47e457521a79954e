from web.views import courses, engagements, home, organisations, partnerships, people, relationships, tokens

urlpatterns = [
    *home.urlpatterns,
    *organisations.urlpatterns,
    *people.urlpatterns,
    *relationships.urlpatterns,
    *partnerships.urlpatterns,
    *courses.urlpatterns,
    *engagements.urlpatterns,
    *tokens.urlpatterns,
]
