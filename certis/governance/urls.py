from django.urls import path

from . import import_views, views

app_name = "governance"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("import/", import_views.upload_notice, name="upload_notice"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("dashboard/", views.dashboard_latest, name="dashboard"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:follow_up_id>/", views.follow_up_detail, name="follow_up_detail"),
    path("follow-ups/<int:follow_up_id>/close/", views.close_follow_up, name="close_follow_up"),
    path("assessment/", views.assessment_list, name="assessment_list"),
    path("assessment/periods/<int:period_id>/", views.assessment_period, name="assessment_period"),
    path("evidence/<int:evidence_id>/", views.evidence, name="evidence"),
    path("<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_id>/matrix/", views.matrix, name="matrix"),
    path("<int:plan_id>/dashboard/", views.dashboard, name="dashboard_plan"),
    path("<int:plan_id>/assessment/", views.assessment_plan, name="assessment_plan"),
    path("<int:plan_id>/publish/", views.publish, name="publish"),
    path("<int:plan_id>/division.xlsx", views.export_division, name="export_division"),
    path("<int:plan_id>/progress.xlsx", views.export_progress, name="export_progress"),
    path("<int:plan_id>/progress/import/", views.import_progress, name="import_progress"),
    path("<int:plan_id>/units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("<int:plan_id>/tasks/<int:number>/", views.task_detail, name="task_detail"),
    path("<int:plan_id>/tasks/<int:number>/report/", views.report_progress, name="report_progress"),
    path("<int:plan_id>/tasks/<int:number>/contribute/", views.add_contribution, name="add_contribution"),
    path("<int:plan_id>/tasks/<int:number>/schedule/", views.schedule_task, name="schedule_task"),
    path("<int:plan_id>/tasks/<int:number>/milestones/", views.add_milestone, name="add_milestone"),
    path(
        "<int:plan_id>/tasks/<int:number>/milestones/<int:milestone_id>/complete/",
        views.complete_milestone,
        name="complete_milestone",
    ),
    path("<int:plan_id>/tasks/<int:number>/follow-up/", views.send_follow_up, name="send_follow_up"),
]
