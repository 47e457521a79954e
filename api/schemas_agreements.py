"""Schemas of the agreements API: what an agreement, its versions, their content and a diff look like,
and what a request to draft, change or send one carries."""

import datetime as dt
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from agreements.models import Agreement, AgreementTemplate, Signatory
from api.schemas import InputSchema, Text, TitledRef, Version, choice

AgreementStatus = choice(Agreement.Status)
Party = choice(Signatory.Party)
MAX_NUMBER = 2**31 - 1
Number = Annotated[int, Field(ge=1, le=MAX_NUMBER)]
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


def _plausible(day: dt.date | None) -> dt.date | None:
    # Reminders count back from these dates; a year like 1 or 9999 is a typing error that would not fit a date.
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"Choose a date between {FIRST_DAY.year} and {LAST_DAY.year}.")
    return day


Day = Annotated[dt.date, AfterValidator(_plausible)]


# Out


class AgreementOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    title: str
    status: str
    status_label: str
    institution: str = Field(description="Slug of the institution that drafts it.")
    partnership: TitledRef | None
    engagement: TitledRef | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    version: int = Field(description="Send it back when you change or send the agreement.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: Agreement) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_institution(obj: Agreement) -> str:
        return obj.institution.slug


class AgreementSignatoryOut(Schema):
    name: str
    role: str
    signed: bool
    signed_at: dt.datetime | None
    signed_as: str = Field(description="The name and role typed when signing.")


class AgreementPartyOut(Schema):
    party: str
    label: str
    asked: int
    signed: int
    signatories: list[AgreementSignatoryOut]


class AgreementVersionOut(Schema):
    number: int
    content_hash: str = Field(description="sha256 of the canonical content: what a signature is bound to.")
    frozen: bool = Field(description="Sent: it never changes again; a change makes the next version.")
    sent_at: dt.datetime | None
    created_at: dt.datetime
    parties: list[AgreementPartyOut] = Field(description="Who was asked to sign this version, per party, and who did.")


class AgreementDetailOut(AgreementOut):
    versions: list[AgreementVersionOut] = Field(
        validation_alias="versions_out", description="Newest first. A partner sees only versions that were sent."
    )
    can_change: bool
    can_send: bool


class AgreementBalanceSideOut(Schema):
    gives: str
    gets: str


class AgreementEvaluationOut(Schema):
    date: str
    title: str


class AgreementContentOut(Schema):
    title: str
    valid_from: str
    valid_until: str
    common_goal: str
    activity: str
    roles_institution: str
    roles_partner: str
    expect_from_students: str
    expect_from_partner: str
    adjustment: str
    continuation: str
    balance: dict[str, AgreementBalanceSideOut] = Field(description="Per party (institution, partner, students).")
    evaluations: list[AgreementEvaluationOut]


class AgreementSectionLabelOut(Schema):
    key: str
    label: str


class AgreementVersionContentOut(Schema):
    number: int
    content_hash: str
    frozen: bool
    sent_at: dt.datetime | None
    content: AgreementContentOut
    section_labels: list[AgreementSectionLabelOut]


class AgreementDiffPieceOut(Schema):
    op: str = Field(description="equal, insert or delete")
    text: str


class AgreementSectionDiffOut(Schema):
    label: str
    changed: bool
    pieces: list[AgreementDiffPieceOut]


class AgreementDiffOut(Schema):
    old: int
    new: int
    sections: list[AgreementSectionDiffOut]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "old": 1,
                    "new": 2,
                    "sections": [
                        {
                            "label": "Common goal",
                            "changed": True,
                            "pieces": [
                                {"op": "equal", "text": "Less early school leaving "},
                                {"op": "delete", "text": "here"},
                                {"op": "insert", "text": "in the neighbourhood"},
                            ],
                        }
                    ],
                }
            ]
        }
    )


class AgreementTemplateOut(Schema):
    slug: str
    name: str
    kind: str
    built_in: bool

    @staticmethod
    def resolve_built_in(obj: AgreementTemplate) -> bool:
        return obj.institution_id is None


class AgreementCalendarOut(Schema):
    agreements: str | None = Field(
        description="iCalendar feed of the evaluation moments and end dates of your agreements; null when you "
        "switched your calendar address off."
    )
    partnership: str | None = Field(None, description="Feed of one partnership's agreements, where there is one.")


# In


class AgreementBalanceSideIn(InputSchema):
    gives: Text = ""
    gets: Text = ""


class AgreementBalanceIn(InputSchema):
    institution: AgreementBalanceSideIn | None = None
    partner: AgreementBalanceSideIn | None = None
    students: AgreementBalanceSideIn | None = None


class AgreementEvaluationIn(InputSchema):
    date: Day
    title: Text = Field("", max_length=200)


class AgreementContentIn(InputSchema):
    title: Text = Field("", max_length=200)
    valid_from: Day | None = None
    valid_until: Day | None = None
    common_goal: Text = ""
    activity: Text = ""
    roles_institution: Text = ""
    roles_partner: Text = ""
    expect_from_students: Text = ""
    expect_from_partner: Text = ""
    adjustment: Text = ""
    continuation: Text = ""
    balance: AgreementBalanceIn | None = Field(None, description="What each party puts in and gets out.")
    evaluations: list[AgreementEvaluationIn] | None = Field(
        None, max_length=100, description="Dated evaluation moments."
    )


class AgreementIn(AgreementContentIn):
    partnership: UUID | None = Field(None, description="The partnership it is about (or an engagement).")
    engagement: UUID | None = Field(None, description="The engagement it is about (or a partnership).")
    template: str | None = Field(None, max_length=50, description="Slug of a template whose texts fill the gaps.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partnership": "3f2c1d1e-0000-4000-8000-000000000003",
                    "template": "service-learning",
                    "title": "Afspraken huiswerkklas",
                    "valid_from": "2026-09-01",
                    "valid_until": "2027-06-30",
                    "common_goal": "Minder schooluitval in de wijk.",
                    "balance": {"partner": {"gives": "Een lokaal", "gets": "Extra handen"}},
                    "evaluations": [{"date": "2027-01-15", "title": "Tussentijdse evaluatie"}],
                }
            ]
        }
    )


class AgreementPatch(AgreementContentIn):
    version: Version

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 2, "common_goal": "Minder schooluitval, meer leesplezier."}]}
    )


class AgreementSignatoryIn(InputSchema):
    party: Party
    name: Text = Field(max_length=200)
    email: Text = Field(max_length=254)
    role: Text = Field("", max_length=200)
    language: str = Field("nl", max_length=5, description="Language of the mail: nl or en.")


class AgreementSendIn(InputSchema):
    version: Version
    signatories: list[AgreementSignatoryIn] = Field(
        max_length=50, description="At least one for the institution and one for the partner organisation."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": 1,
                    "signatories": [
                        {"party": "institution", "name": "Cora Coördinator", "email": "cora@uas.example"},
                        {"party": "organisation", "name": "Pia Partner", "email": "pia@brug.example", "role": "Chair"},
                    ],
                }
            ]
        }
    )
