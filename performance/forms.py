"""HTML-form plumbing of performance: the community, contract and money-term change forms as the dicts the API's
schemas load (numbers in any digits, dates in the reader's calendar), what the forms redisplay, and their choices."""

from __future__ import annotations

import json

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from conflict_service.db import db
from conflict_service.i18n import editable_number
from conflict_service.jurisdictions import queries as jq
from conflict_service.web import forms as web_forms
from payouts.enums import PaymentMethod
from performance import queries
from performance.enums import Distribution, Fallback, Forfeiture, Indicator
from performance.models import MONEY_TERMS, Contract
from performance.schemas import CommunityCreateSchema, ContractCreateSchema, ContractTermsChangeSchema

COMMUNITY_TEXT = ("programme_id", "name", "jurisdiction_id", "area", "account_name", "account_method",
                  "account_number")
CONTRACT_TEXT = ("community_id", "starts_on", "period_months", "period_count", *MONEY_TERMS)


def community_values(form: MultiDict) -> dict:
    """What the community form shows again: everything typed, the members ticked."""
    return {**{k: form.get(k, "") for k in COMMUNITY_TEXT}, "member_ids": form.getlist("member_ids")}


def community_data(form: MultiDict) -> dict:
    """The form as ``CommunityCreateSchema`` loads it; the area is GeoJSON pasted as text."""
    data = web_forms.clean(form, [k for k in COMMUNITY_TEXT if k != "area"])
    data["member_ids"] = [v for v in form.getlist("member_ids") if v]
    errors: dict = {}
    area_text = form.get("area", "").strip()
    if area_text:
        try:
            data["area"] = json.loads(area_text)
        except ValueError:
            errors["area"] = [_("This is not valid JSON; paste GeoJSON as exported by a GIS.")]
    return web_forms.load(CommunityCreateSchema(), data, extra_errors=errors)


def contract_values(form: MultiDict) -> dict:
    return {k: form.get(k, "") for k in CONTRACT_TEXT}


def contract_data(form: MultiDict) -> dict:
    """The contract form as ``ContractCreateSchema`` loads it; a blank cap means none."""
    data = web_forms.clean(form, CONTRACT_TEXT)
    data.setdefault("cap", None)
    return web_forms.load(ContractCreateSchema(), data)


def terms_values(contract: Contract) -> dict:
    """A contract's money terms as the change form shows them first: choices by value, numbers without trailing
    zeros in the reader's digits (which the schema reads back)."""
    values = {}
    for key in MONEY_TERMS:
        value = getattr(contract, key)
        if value is None:
            values[key] = ""
        elif hasattr(value, "value"):
            values[key] = value.value
        else:
            values[key] = editable_number(value)
    return values


def change_data(form: MultiDict) -> dict:
    """The money terms typed into the change form; a blank cap means none, a blank percentage stays as it is."""
    data = web_forms.clean(form, MONEY_TERMS)
    data.setdefault("cap", None)
    return web_forms.load(ContractTermsChangeSchema(), data)


def community_choices(user) -> dict:
    t = jq.tree()
    return {"programmes": [(p.id, p.local_name) for p in queries.managed_programmes(user)],
            "jurisdictions": [(j.id, j.local_name) for j in sorted((t.by_id[i] for i in jq.scope_ids(user)),
                                                                   key=lambda j: j.code)],
            "methods": PaymentMethod.choices()}


def terms_choices() -> dict:
    return {"indicators": Indicator.choices(), "forfeitures": Forfeiture.choices(), "fallbacks": Fallback.choices(),
            "distributions": Distribution.choices()}


def contract_choices(user) -> dict:
    communities = queries.communities_statement(user)
    return {"communities": [(c.id, f"{c.name} · {c.programme.local_name} ({c.programme.currency})")
                            for c in db.session.scalars(communities)], **terms_choices()}
