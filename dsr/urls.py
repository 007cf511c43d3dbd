app_name = "dsr"

urlpatterns: list = []
