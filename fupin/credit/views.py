"""Credit pages: thin views over fupin.core.generic and the credit services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fupin.accounts.actors import Actor
from fupin.core.generic import ObjectListView, ServiceFormView, get_scoped_object, xlsx_response
from fupin.core.jobs import start_job
from fupin.core.scope import require_write
from fupin.registry.models import Household, Member

from . import services
from .filters import BankFileFilterSet, LoanFilterSet, SubsidyFilterSet
from .forms import ActionForm, BankFileForm, FundForm, LoanApplyForm, SubsidyRunForm
from .models import BankFile, BankRow, Loan, Policy, RiskFund, Subsidy, SubsidyRun
from .tables import (
    BankFileTable,
    BankRowTable,
    FundTable,
    LoanTable,
    PolicyTable,
    SubsidyRunTable,
    SubsidyTable,
)


def actor_of(request: Any) -> Actor:
    """The signed-in user as the acting person (views require a login)."""
    return cast(Actor, request.user)



def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


class LoanListView(ObjectListView):
    model = Loan
    filterset_class = LoanFilterSet
    table_class = LoanTable
    title = "扶贫小额信贷"
    add_url_name = "credit:loan_add"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("household", "borrower", "area")


class LoanApplyView(ServiceFormView):
    form_class = LoanApplyForm
    title = "小额信贷申请（户申请）"
    success_message = "申请已录入，待村初审"

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        household = Household.objects.visible_to(self.request.user).filter(
            household_no=data["household_no"].strip()).first()
        if household is None:
            raise ValidationError({"household_no": [f"户编号 {data['household_no']} 不存在或不在您的管辖范围内"]})
        borrower = Member.objects.filter(household=household, resident_id=data["borrower_id"],
                                         status="active").first()
        if borrower is None:
            raise ValidationError({"borrower_id": ["该身份证号不是本户在册成员"]})
        return services.apply_loan(actor=actor_of(self.request), household=household,
                                   borrower=borrower, amount=data["amount"],
                                   term_months=data["term_months"], rate=data["rate"],
                                   purpose=data["purpose"], applied_on=data["applied_on"],
                                   is_topup=data["is_topup"])


@login_required
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_scoped_object(Loan, request.user, pk=pk)
    limit, _policy = services.extension_limit(loan)
    return render(request, "credit/loan_detail.html", {
        "loan": loan, "reviews": loan.reviews.select_related("actor"), "form": ActionForm(),
        "next_step": services.NEXT.get(loan.status, (None, None))[0],
        "extension_limit": limit, "subsidies": loan.subsidies.order_by("-month")[:24],
        "pending_extension": services._pending(loan, "extension"),
        "pending_write_off": services._pending(loan, "write_off"),
        "title": f"小额信贷 {loan}"})


ACTIONS = {
    "approve": lambda u, loan, d: services.review_loan(
        actor=u, loan=loan, approve=True, comment=d["comment"], loan_no=d["loan_no"],
        bank=d["bank"], on=d["day"]),
    "reject": lambda u, loan, d: services.review_loan(
        actor=u, loan=loan, approve=False, comment=d["comment"], on=d["day"]),
    "disburse": lambda u, loan, d: services.disburse(actor=u, loan=loan, on=d["day"]),
    "repay": lambda u, loan, d: services.repay(actor=u, loan=loan, amount=d["amount"] or 0,
                                               on=d["day"]),
    "renew": lambda u, loan, d: services.renew(
        actor=u, loan=loan, loan_no=d["loan_no"], amount=d["amount"] or 0,
        term_months=d["term_months"] or 0, rate=d["rate"] or 0, on=d["day"]),
    "request_extension": lambda u, loan, d: services.request_extension(
        actor=u, loan=loan, until=d["until"], reason=d["comment"], on=d["day"]),
    "approve_extension": lambda u, loan, d: services.review_extension(
        actor=u, loan=loan, approve=True, comment=d["comment"], on=d["day"]),
    "reject_extension": lambda u, loan, d: services.review_extension(
        actor=u, loan=loan, approve=False, comment=d["comment"], on=d["day"]),
    "overdue": lambda u, loan, d: services.mark_overdue(actor=u, loan=loan, days=d["days"] or 0,
                                                        on=d["day"],
                                                        epidemic=bool(d.get("epidemic"))),
    "misuse": lambda u, loan, d: services.mark_misused(actor=u, loan=loan, reason=d["comment"]),
    "request_write_off": lambda u, loan, d: services.request_write_off(
        actor=u, loan=loan, reason=d["comment"], on=d["day"]),
    "approve_write_off": lambda u, loan, d: services.review_write_off(
        actor=u, loan=loan, approve=True, comment=d["comment"], on=d["day"]),
    "reject_write_off": lambda u, loan, d: services.review_write_off(
        actor=u, loan=loan, approve=False, comment=d["comment"], on=d["day"]),
}
NEEDS = {"request_extension": "until", "overdue": "days", "renew": "loan_no"}


@login_required
@require_POST
def loan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    loan = get_scoped_object(Loan, request.user, pk=pk)
    require_write(request.user, loan.area_id)
    form = ActionForm(request.POST)
    if action not in ACTIONS:
        messages.error(request, f"未知操作“{action}”")
    elif not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(str(e) for e in errs)}")
    elif action in NEEDS and not form.cleaned_data.get(NEEDS[action]):
        messages.error(request, f"请填写{form.fields[NEEDS[action]].label}")
    else:
        try:
            result = ACTIONS[action](request.user, loan, form.cleaned_data)
        except ValidationError as exc:
            for msg in _messages(exc):
                messages.error(request, msg)
        else:
            messages.success(request, "已办理")
            if isinstance(result, Loan) and result.pk != loan.pk:
                return redirect(result.get_absolute_url())
    return redirect(loan.get_absolute_url())


class BankFileListView(ObjectListView):
    model = BankFile
    filterset_class = BankFileFilterSet
    table_class = BankFileTable
    title = "银行对账文件"
    add_url_name = "credit:bankfile_upload"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("area", "uploaded_by", "applied_by")


class BankFileUploadView(ServiceFormView):
    form_class = BankFileForm
    title = "上传银行月度文件并对账"
    success_message = "已对账，差异列在下方，待另一人确认后才更新贷款"

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        upload = data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise ValidationError({"file": ["文件超过 50 MB"]})
        return services.import_bank_file(actor=actor_of(self.request), area_code=data["area"],
                                         month=data["month"], filename=upload.name,
                                         content=upload.read(), bank=data["bank"])


@login_required
def bankfile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bank_file = get_scoped_object(BankFile, request.user, pk=pk)
    rows = BankRow.objects.filter(file=bank_file).order_by("line")
    which = request.GET.get("show", "problems")
    if which == "problems":
        rows = rows.exclude(error="", diff={})
    table = BankRowTable(rows)
    table.request = request
    if request.GET.get("export") == "xlsx":
        cols = [c for c in table.columns]
        return xlsx_response(f"对账结果_{bank_file.pk}.xlsx", [str(c.header) for c in cols],
                             ([str(r.get_cell_value(c.name) or "") for c in cols]
                              for r in table.rows), "对账结果")
    table.paginate(page=request.GET.get("page", 1), per_page=100)
    return render(request, "credit/bankfile_detail.html", {
        "file": bank_file, "table": table, "show": which, "title": str(bank_file)})


@login_required
@require_POST
def bankfile_apply(request: HttpRequest, pk: int) -> HttpResponse:
    bank_file = get_scoped_object(BankFile, request.user, pk=pk)
    try:
        result = services.apply_bank_file(actor=actor_of(request), bank_file=bank_file)
    except ValidationError as exc:
        for msg in _messages(exc):
            messages.error(request, msg)
    else:
        messages.success(request, f"已更新 {result['updated']} 笔贷款，新增逾期 {result['overdue']} 笔，"
                                  f"推送监测线索 {result['leads']} 条")
    return redirect(bank_file.get_absolute_url())


class SubsidyListView(ObjectListView):
    model = Subsidy
    filterset_class = SubsidyFilterSet
    table_class = SubsidyTable
    title = "贴息明细"
    template_name = "credit/subsidy_list.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("loan", "loan__household")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        runs = SubsidyRunTable(SubsidyRun.objects.visible_to(self.request.user)
                               .select_related("area")[:12])
        ctx["runs"] = runs
        return ctx


class SubsidyRunView(ServiceFormView):
    form_class = SubsidyRunForm
    title = "计算月度贴息（后台任务）"
    success_message = "已开始计算"

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        month = services.month_start(data["month"])
        require_write(self.request.user, data["area"].strip())
        job = start_job("credit_subsidy", f"贴息 {data['area']} {month:%Y-%m}",
                        user=self.request.user, area_code=data["area"].strip(),
                        params={"area_code": data["area"].strip(), "month": month.isoformat(),
                                "user_id": self.request.user.pk})
        return reverse("job_detail", args=[job.pk])


@login_required
def subsidy_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_scoped_object(SubsidyRun, request.user, pk=pk)
    table = SubsidyTable(Subsidy.objects.filter(run=run).select_related("loan", "loan__household"))
    table.paginate(page=request.GET.get("page", 1), per_page=100)
    return render(request, "credit/subsidy_run.html", {"run": run, "table": table,
                                                       "title": f"贴息 {run}"})


class FundListView(ObjectListView):
    model = RiskFund
    table_class = FundTable
    filterset_fields: list[str] = []
    title = "风险补偿金"
    add_url_name = "credit:fund_add"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("area")


class FundAddView(ServiceFormView):
    form_class = FundForm
    title = "设立风险补偿金"

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.create_fund(actor=actor_of(self.request), area_code=d["area"], name=d["name"],
                                    capital=d["capital"], established_on=d["established_on"],
                                    bank=d["bank"])


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_scoped_object(RiskFund, request.user, pk=pk)
    draws = fund.draws.select_related("loan", "loan__household")
    drawn = draws.aggregate(s=Sum("amount"))["s"] or 0
    return render(request, "credit/fund_detail.html", {
        "fund": fund, "draws": draws, "drawn": drawn, "left": fund.capital - drawn,
        "title": fund.name})


class PolicyListView(ObjectListView):
    model = Policy
    table_class = PolicyTable
    filterset_fields: list[str] = []
    title = "信贷政策期（按期数据）"

    def get_queryset(self) -> Any:
        return Policy.objects.all()
