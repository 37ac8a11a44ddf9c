from django.apps import AppConfig


class JobsConfig(AppConfig):
    # Package fupin.jobs, app label "employment": core already serves /jobs/ (background jobs)
    # under the URL names "jobs" and "job_detail", so the label and URL namespace differ.
    name = "fupin.jobs"
    label = "employment"
    verbose_name = "就业帮扶"
