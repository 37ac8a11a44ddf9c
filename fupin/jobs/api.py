"""REST API of jobs (app label employment): posts, hires and pay, work spells, workshops,
training, 雨露计划, insurance. Writes use the same services as the pages (400 with fields)."""

from __future__ import annotations

from typing import Any, cast

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.accounts.actors import Actor
from fupin.core.api import ScopedViewSetMixin
from fupin.registry.models import Member

from . import services
from .filters import PostFilterSet, SpellFilterSet
from .models import (
    Claim,
    Course,
    InsurancePolicy,
    Place,
    PostHire,
    PostPay,
    Trainee,
    WelfarePost,
    Workshop,
    WorkshopJob,
    WorkSpell,
    YuluStudent,
)


def actor_of(request: Any) -> Actor:
    """The signed-in user as the acting person (views require a login)."""
    return cast(Actor, request.user)



def _model_serializer(model: Any, extra: dict[str, Any] | None = None) -> Any:
    meta = type("Meta", (), {"model": model, "exclude": ["created_at", "updated_at"]})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,),
                {"Meta": meta, **(extra or {})})


HH = {"household_no": serializers.CharField(source="household.household_no", read_only=True)}
PostSerializer = _model_serializer(WelfarePost)
HireSerializer = _model_serializer(PostHire, HH)
PaySerializer = _model_serializer(PostPay)
SpellSerializer = _model_serializer(WorkSpell, HH)
WorkshopSerializer = _model_serializer(Workshop)
WorkshopJobSerializer = _model_serializer(WorkshopJob, HH)
CourseSerializer = _model_serializer(Course)
TraineeSerializer = _model_serializer(Trainee, HH)
YuluSerializer = _model_serializer(YuluStudent, HH)
InsuranceSerializer = _model_serializer(InsurancePolicy)
ClaimSerializer = _model_serializer(Claim)


class MemberField(serializers.Field):
    """A member id, resolved within the user's scope."""

    def to_representation(self, value: Any) -> Any:
        return getattr(value, "pk", value)

    def to_internal_value(self, data: Any) -> Member:
        try:
            pk = int(str(data))
        except (TypeError, ValueError):
            raise serializers.ValidationError("成员编号应为整数") from None
        if not 1 <= pk < 2**62:
            raise serializers.ValidationError("成员编号超出范围")
        member = Member.objects.visible_to(self.context["request"].user).filter(pk=pk).first()
        if member is None:
            raise serializers.ValidationError("成员不存在，或不在您的管辖范围内")
        return member


class SpellInSerializer(serializers.Serializer):
    member = MemberField()
    place = serializers.ChoiceField(choices=Place.choices)
    employer = serializers.CharField(max_length=120)
    destination = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                        default="")
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    monthly_income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    organised = serializers.BooleanField(required=False, default=False)
    partner = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class EndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HireInSerializer(serializers.Serializer):
    member = MemberField()
    hired_on = serializers.DateField()


class PayInSerializer(serializers.Serializer):
    month = serializers.CharField(max_length=7)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    paid_on = serializers.DateField()


class SpellViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = WorkSpell.objects.select_related("household").all()
    filterset_class = SpellFilterSet

    def get_serializer_class(self) -> Any:
        return {"create": SpellInSerializer, "end": EndSerializer}.get(self.action,
                                                                       SpellSerializer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = SpellInSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        spell = services.add_spell(actor=actor_of(request), **ser.validated_data)
        return Response(SpellSerializer(spell).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: Any = None) -> Response:
        spell = self.get_object()
        ser = EndSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        spell = services.end_spell(actor=actor_of(request), spell=spell,
                                   on=ser.validated_data["ended_on"],
                                   reason=ser.validated_data["reason"])
        return Response(SpellSerializer(spell).data)


class PostViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = WelfarePost.objects.all()
    serializer_class = PostSerializer
    filterset_class = PostFilterSet

    def get_serializer_class(self) -> Any:
        return HireInSerializer if self.action == "hire" else PostSerializer

    @action(detail=True, methods=["post"])
    def hire(self, request: Request, pk: Any = None) -> Response:
        post = self.get_object()
        ser = HireInSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        row = services.hire(actor=actor_of(request), post=post, **ser.validated_data)
        return Response(HireSerializer(row).data, status=status.HTTP_201_CREATED)


class HireViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = PostHire.objects.select_related("household").all()
    serializer_class = HireSerializer

    def get_serializer_class(self) -> Any:
        return {"pay": PayInSerializer, "exit": EndSerializer}.get(self.action, HireSerializer)

    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: Any = None) -> Response:
        row = self.get_object()
        ser = PayInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        pay = services.record_pay(actor=actor_of(request), hire_row=row, **ser.validated_data)
        return Response(PaySerializer(pay).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="exit")
    def exit(self, request: Request, pk: Any = None) -> Response:
        row = self.get_object()
        ser = EndSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        row = services.exit_post(actor=actor_of(request), hire_row=row,
                                 on=ser.validated_data["ended_on"],
                                 reason=ser.validated_data["reason"])
        return Response(HireSerializer(row).data)


def _readonly(model: Any, ser: Any, related: tuple[str, ...] = ()) -> Any:
    return type(f"{model.__name__}ViewSet", (ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet),
                {"queryset": model.objects.select_related(*related).all(),
                 "serializer_class": ser})


def register(router: Any) -> None:
    router.register("jobs-posts", PostViewSet, basename="jobs-post")
    router.register("jobs-hires", HireViewSet, basename="jobs-hire")
    router.register("jobs-spells", SpellViewSet, basename="jobs-spell")
    router.register("jobs-workshops", _readonly(Workshop, WorkshopSerializer),
                    basename="jobs-workshop")
    router.register("jobs-workshop-jobs", _readonly(WorkshopJob, WorkshopJobSerializer,
                                                    ("household",)),
                    basename="jobs-workshop-job")
    router.register("jobs-courses", _readonly(Course, CourseSerializer), basename="jobs-course")
    router.register("jobs-trainees", _readonly(Trainee, TraineeSerializer, ("household",)),
                    basename="jobs-trainee")
    router.register("jobs-yulu", _readonly(YuluStudent, YuluSerializer, ("household",)),
                    basename="jobs-yulu")
    router.register("jobs-insurance", _readonly(InsurancePolicy, InsuranceSerializer),
                    basename="jobs-insurance")
    router.register("jobs-claims", _readonly(Claim, ClaimSerializer), basename="jobs-claim")
