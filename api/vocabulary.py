"""The words every domain shares: the scores a day holds, how a session was given, and the
side effects a patient can tick. One copy, imported by entries, treatments, sharing and
exports alike (the PWA's copies are checked against the OpenAPI document by a test)."""

from __future__ import annotations

SCORE_FIELDS = ("pain", "mood", "anxiety", "energy", "sleep_hours", "sleep_quality")

ROUTES = ("iv_infusion", "intramuscular", "intranasal", "sublingual", "oral", "other")
PHASES = ("induction", "booster", "maintenance")
SIDE_EFFECTS = (
    "nausea",
    "dizziness",
    "dissociation",
    "headache",
    "sedation",
    "elevated_blood_pressure",
    "dysgeusia",
    "urinary_frequency",
    "painful_urination",
    "blood_in_urine",
    "other",
)
# Ketamine cystitis: the side effects the weekly bladder question asks about.
BLADDER_SYMPTOMS = ("urinary_frequency", "painful_urination", "blood_in_urine")

# Sedating medicines taken on a session's day (a session's `concomitant`), and the classes
# of the patient's medication list: every concomitant class is a medication class.
CONCOMITANT = ("benzodiazepine", "sedative_hypnotic", "psychostimulant", "maoi", "opioid",
               "other")
MEDICATION_CLASSES = ("antidepressant", "benzodiazepine", "sedative_hypnotic",
                      "psychostimulant", "maoi", "opioid", "anticonvulsant", "other")

# The check-ins (api/questionnaires/instruments.py holds their rules), and the ones a new
# account has turned on.
QUESTIONNAIRES = ("phq9", "gad7", "peg")
DEFAULT_QUESTIONNAIRES = ("phq9", "peg")
