from .views import plans as plan_views  # noqa: F401  (sections below fill in)

urlpatterns = [
    # --- plans, periods and indicator systems ---
    # --- submissions, review and rectification ---
]
