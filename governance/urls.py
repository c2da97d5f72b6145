app_name = "governance"

urlpatterns: list = [
    # The policy and guideline pages join here.
]
