"""The public holidays and worked weekend days (调休) that working-day time limits count with.

2026: the State Council General Office's notice on the 2026 holiday arrangements (November 2025).
2027: provisional. The State Council had not published the 2027 arrangement when this was written, so only the
statutory days of the 2024 Measures on National Holidays are entered, with the weekday off that Article 6
gives for a statutory day falling on a weekend. Add the worked weekend days (and any longer breaks) once the
notice is out; rows already in the table are left as they are.
"""

import datetime as dt

from django.db import migrations

# (first day, last day, name, working day?)
DAYS = [
    # 2026
    ("2026-01-01", "2026-01-03", "元旦", False),
    ("2026-01-04", "2026-01-04", "元旦调休上班", True),
    ("2026-02-14", "2026-02-14", "春节调休上班", True),
    ("2026-02-15", "2026-02-23", "春节", False),
    ("2026-02-28", "2026-02-28", "春节调休上班", True),
    ("2026-04-04", "2026-04-06", "清明节", False),
    ("2026-05-01", "2026-05-05", "劳动节", False),
    ("2026-05-09", "2026-05-09", "劳动节调休上班", True),
    ("2026-06-19", "2026-06-21", "端午节", False),
    ("2026-09-20", "2026-09-20", "国庆节调休上班", True),
    ("2026-09-25", "2026-09-27", "中秋节", False),
    ("2026-10-01", "2026-10-07", "国庆节", False),
    ("2026-10-10", "2026-10-10", "国庆节调休上班", True),
    # 2027, provisional: statutory days and the weekday off for those falling on a weekend
    ("2027-01-01", "2027-01-01", "元旦", False),
    ("2027-02-05", "2027-02-08", "春节", False),
    ("2027-02-09", "2027-02-10", "春节（补假）", False),
    ("2027-04-05", "2027-04-05", "清明节", False),
    ("2027-05-01", "2027-05-02", "劳动节", False),
    ("2027-05-03", "2027-05-04", "劳动节（补假）", False),
    ("2027-06-09", "2027-06-09", "端午节", False),
    ("2027-09-15", "2027-09-15", "中秋节", False),
    ("2027-10-01", "2027-10-03", "国庆节", False),
    ("2027-10-04", "2027-10-05", "国庆节（补假）", False),
]


def _dates():
    for first, last, name, working in DAYS:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            yield day, name, working
            day += dt.timedelta(days=1)


def seed(apps, schema_editor):
    Holiday = apps.get_model("bodies", "Holiday")
    for day, name, working in _dates():
        Holiday.objects.get_or_create(date=day, defaults={"name": name, "is_working_day": working})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("bodies", "Holiday")
    Holiday.objects.filter(date__in=[day for day, _name, _working in _dates()]).delete()


class Migration(migrations.Migration):
    dependencies = [("bodies", "0002_application_workflow")]

    operations = [migrations.RunPython(seed, unseed)]
