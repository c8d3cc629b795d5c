app_name = "reuse"

urlpatterns = []
