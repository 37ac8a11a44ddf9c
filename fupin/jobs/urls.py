from django.urls import path

from . import views

app_name = "employment"
urlpatterns = [
    path("posts/", views.PostListView.as_view(), name="post_list"),
    path("posts/add/", views.PostAddView.as_view(), name="post_add"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/hire/", views.HireView.as_view(), name="hire"),
    path("posts/<int:pk>/pay-month/", views.PayMonthView.as_view(), name="pay_month"),
    path("hires/<int:pk>/exit/", views.ExitView.as_view(), name="hire_exit"),
    path("hires/<int:pk>/pay/", views.PayView.as_view(), name="hire_pay"),
    path("spells/", views.SpellListView.as_view(), name="spell_list"),
    path("spells/add/", views.SpellAddView.as_view(), name="spell_add"),
    path("spells/<int:pk>/", views.spell_detail, name="spell_detail"),
    path("spells/<int:pk>/end/", views.SpellEndView.as_view(), name="spell_end"),
    path("workshops/", views.WorkshopListView.as_view(), name="workshop_list"),
    path("workshops/add/", views.WorkshopAddView.as_view(), name="workshop_add"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("workshops/<int:pk>/employ/", views.EmployView.as_view(), name="employ"),
    path("workshops/<int:pk>/pay/", views.WorkshopPayView.as_view(), name="workshop_pay"),
    path("workshop-jobs/<int:pk>/end/", views.EndJobView.as_view(), name="workshop_job_end"),
    path("courses/", views.CourseListView.as_view(), name="course_list"),
    path("courses/add/", views.CourseAddView.as_view(), name="course_add"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/enroll/", views.EnrollView.as_view(), name="enroll"),
    path("yulu/", views.YuluListView.as_view(), name="yulu_list"),
    path("yulu/add/", views.YuluAddView.as_view(), name="yulu_add"),
    path("yulu/<int:pk>/pay/", views.YuluPayView.as_view(), name="yulu_pay"),
    path("insurance/", views.InsuranceListView.as_view(), name="insurance_list"),
    path("insurance/add/", views.InsuranceAddView.as_view(), name="insurance_add"),
    path("insurance/<int:pk>/", views.insurance_detail, name="insurance_detail"),
    path("insurance/<int:pk>/enroll/", views.InsuranceEnrollView.as_view(),
         name="insurance_enroll"),
    path("insurance/<int:pk>/claim/", views.ClaimAddView.as_view(), name="claim_add"),
    path("claims/<int:pk>/pay/", views.ClaimPayView.as_view(), name="claim_pay"),
]
