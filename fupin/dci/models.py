"""DCI partners (other systems that query the registry), their transactions, subscriptions,
the registry change events raised for subscribers and the delivery log of callbacks."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.base_models import AreaScopedModel
from fupin.core.scope import ScopedQuerySet

# Fields a partner may be granted on top of the basic record (names, sex, birth date,
# relationship, household number, place, size, poverty score).
GRANTS = {
    "resident_id": _("身份证号"),
    "phone": _("联系电话"),
    "health": _("健康（残疾）"),
}
EVENT_TYPES = ("REGISTER", "UPDATE", "DELETE", "LINK", "UNLINK")


class PartnerQuerySet(ScopedQuerySet["Partner"]):
    scope_field = "area__code"


class Partner(AreaScopedModel):
    """A partner system (benefit programme, insurer, another province's registry)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    sender_id = models.CharField(_("发送方标识"), max_length=100, unique=True,
                                 help_text=_("DCI 报文头 sender_id，默认与名称相同"))
    grants = models.JSONField(_("授权字段"), default=list, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(_("令牌前缀"), max_length=8, blank=True)
    public_key = models.TextField(_("验签公钥（Ed25519 PEM）"), blank=True)
    callback_uri = models.URLField(_("回调地址"), max_length=300, blank=True,
                                   help_text=_("未在报文头给出 sender_uri 时使用"))
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[Any] = PartnerQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("DCI 对接方")
        verbose_name_plural = _("DCI 对接方")

    def __str__(self) -> str:
        return self.name

    def granted(self, field: str) -> bool:
        return field in (self.grants or [])


class TxnKind(models.TextChoices):
    SEARCH = "search", _("查询")
    SUBSCRIBE = "subscribe", _("订阅")
    UNSUBSCRIBE = "unsubscribe", _("退订")
    TXN_STATUS = "txn-status", _("事务状态")
    NOTIFY = "notify", _("事件通知")


class TxnStatus(models.TextChoices):
    RCVD = "rcvd", _("已接收")
    PDNG = "pdng", _("处理中")
    SUCC = "succ", _("成功")
    RJCT = "rjct", _("拒绝")


class TransactionQuerySet(ScopedQuerySet["Transaction"]):
    scope_field = "partner__area__code"


class Transaction(models.Model):
    """One DCI message received from (or, for notify, sent to) a partner."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=12, choices=TxnKind.choices)
    sync = models.BooleanField(default=False)
    message_id = models.CharField(max_length=100)
    transaction_id = models.CharField(max_length=100, db_index=True)
    correlation_id = models.CharField(max_length=100, unique=True)
    reference_ids = models.JSONField(default=list)
    sender_uri = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=4, choices=TxnStatus.choices, default=TxnStatus.RCVD)
    request = models.JSONField(default=dict)
    response = models.JSONField(null=True, blank=True)  # the message answered / delivered
    records = models.PositiveIntegerField(default=0)  # records disclosed
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["partner", "message_id", "kind"],
                                               name="dci_txn_unique_message")]

    def __str__(self) -> str:
        return f"{self.kind} {self.transaction_id}"


class SubscriptionQuerySet(ScopedQuerySet["Subscription"]):
    scope_field = "partner__area__code"


class Subscription(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="subscriptions")
    code = models.CharField(max_length=99, unique=True)
    transaction = models.ForeignKey(Transaction, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reference_id = models.CharField(max_length=100)
    reg_event_type = models.CharField(max_length=10)  # one of EVENT_TYPES
    requested_event_type = models.CharField(max_length=100)  # as the partner wrote it
    filter_type = models.CharField(max_length=20)
    filter = models.JSONField(default=dict)
    notify_record_type = models.CharField(max_length=10, default="Group")  # Group / Member
    notify_uri = models.CharField(max_length=300)
    frequency = models.JSONField(null=True, blank=True)
    active = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]


class ChangeEvent(models.Model):
    """Registry changes seen through `household_changed`, waiting to be notified."""

    reason = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=dict)  # event type -> [household ids]
    deleted = models.JSONField(default=dict)  # household id -> [household_no, area code]
    members = models.JSONField(default=dict)  # household id -> member id (LINK / UNLINK)
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")


class DeliveryQuerySet(ScopedQuerySet["Delivery"]):
    scope_field = "partner__area__code"


class Delivery(models.Model):
    """One callback (on-search, on-subscribe, notify, ...) posted to a partner, retried."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="deliveries")
    transaction = models.ForeignKey(Transaction, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="deliveries")
    subscription = models.ForeignKey(Subscription, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(ChangeEvent, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="deliveries")
    action = models.CharField(max_length=20)
    uri = models.CharField(max_length=300)
    message_id = models.CharField(max_length=100, unique=True)
    # For notify: the event type and household ids (the payload is rebuilt on retry, so a
    # retry sends the record as it is then, never what it was).
    event_type = models.CharField(max_length=10, blank=True)
    household_ids = models.JSONField(default=list)
    deleted = models.JSONField(default=dict)
    payload = models.JSONField(null=True, blank=True)  # non-notify callbacks: the envelope
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    records = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
