app_name = "strategy"

urlpatterns: list = [
    # Goals, the annual plan and the reports join here.
]
