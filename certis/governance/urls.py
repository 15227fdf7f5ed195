"""The plan's pages under ``/plans/`` (namespace ``governance``)."""

from django.urls import URLPattern, URLResolver, path

from .views import excel, follow_ups, notice, oversight, plans, tasks

app_name = "governance"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", plans.plan_list, name="plan_list"),
    path("import/", notice.upload_notice, name="upload_notice"),
    path("my-tasks/", tasks.my_tasks, name="my_tasks"),
    path("dashboard/", oversight.dashboard_latest, name="dashboard"),
    path("follow-ups/", follow_ups.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:follow_up_id>/", follow_ups.follow_up_detail, name="follow_up_detail"),
    path("follow-ups/<int:follow_up_id>/close/", follow_ups.close_follow_up, name="close_follow_up"),
    path("assessment/", oversight.assessment_list, name="assessment_list"),
    path("assessment/periods/<int:period_id>/", oversight.assessment_period, name="assessment_period"),
    path("evidence/<int:evidence_id>/", tasks.evidence, name="evidence"),
    path("<int:plan_id>/", plans.plan_detail, name="plan_detail"),
    path("<int:plan_id>/matrix/", plans.matrix, name="matrix"),
    path("<int:plan_id>/dashboard/", oversight.dashboard, name="dashboard_plan"),
    path("<int:plan_id>/assessment/", oversight.assessment_plan, name="assessment_plan"),
    path("<int:plan_id>/publish/", plans.publish, name="publish"),
    path("<int:plan_id>/division.xlsx", excel.export_division, name="export_division"),
    path("<int:plan_id>/progress.xlsx", excel.export_progress, name="export_progress"),
    path("<int:plan_id>/progress/import/", excel.import_progress, name="import_progress"),
    path("<int:plan_id>/units/<int:unit_id>/", plans.unit_detail, name="unit_detail"),
    path("<int:plan_id>/tasks/<int:number>/", tasks.task_detail, name="task_detail"),
    path("<int:plan_id>/tasks/<int:number>/report/", tasks.report_progress, name="report_progress"),
    path("<int:plan_id>/tasks/<int:number>/contribute/", tasks.add_contribution, name="add_contribution"),
    path("<int:plan_id>/tasks/<int:number>/schedule/", tasks.schedule_task, name="schedule_task"),
    path("<int:plan_id>/tasks/<int:number>/milestones/", tasks.add_milestone, name="add_milestone"),
    path(
        "<int:plan_id>/tasks/<int:number>/milestones/<int:milestone_id>/complete/",
        tasks.complete_milestone,
        name="complete_milestone",
    ),
    path("<int:plan_id>/tasks/<int:number>/follow-up/", tasks.send_follow_up, name="send_follow_up"),
]
