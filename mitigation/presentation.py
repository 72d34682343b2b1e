"""How mitigation's audit events read in a history (stored in English codes, shown in the reader's language)."""

from flask_babel import lazy_gettext as L_

from conflict_service.audit.presentation import register, register_fields, register_values
from mitigation.enums import DogSex, MeasureKind, MeasureStatus, VaccineKind


def register_texts() -> None:
    """Describe mitigation's audit actions, fields and values for people (``create_app`` calls it)."""
    register({
        "measure.created": L_("Mitigation measure {label} recorded"),
        "measure.updated": L_("Mitigation measure {label} corrected"),
        "measure.inspected": L_("Inspection recorded"),
        "dog.vaccinated": L_("Vaccination recorded"),
    })

    register_fields({
        "kind": L_("Kind of measure"), "installed_on": L_("Installed on"), "site": L_("Site"), "lat": L_("Latitude"),
        "lon": L_("Longitude"), "cost": L_("Cost"), "currency": L_("Currency"), "funder": L_("Funder"),
        "owner_contribution": L_("Owner's contribution"), "notes": L_("Notes"), "dog_name": L_("Dog's name"),
        "dog_sex": L_("Sex"), "dog_birth_year": L_("Year of birth"), "inspected_on": L_("Inspection date"),
        "given_on": L_("Given on"), "vaccine": L_("Vaccine"), "last_inspected_on": L_("Last inspected on"),
        "measure_status": L_("Status"),
        "next_due_on": L_("Next due on"),
    })

    register_values({"measure_status": MeasureStatus, "vaccine": VaccineKind, "kind": MeasureKind, "dog_sex": DogSex})
