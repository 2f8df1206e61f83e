"""The published wording of the three questionnaires Relieflog offers, in English and Spanish.

- PHQ-9 and GAD-7, English: the PHQ Screeners forms "PHQ-9 English" and "GAD-7 English for
  the USA" (Spitzer, Williams, Kroenke and colleagues, with an educational grant from Pfizer
  Inc.; "No permission required to reproduce, translate, display or distribute").
- PHQ-9 and GAD-7, Spanish: the PHQ Screeners translations "Spanish for the USA" (same
  authors and notice: "No se requiere permiso para reproducir, traducir, presentar o
  distribuir").
- PEG, English: Krebs EE et al., J Gen Intern Med 2009;24(6):733-738 (public domain).
- PEG, Spanish: NOT a published text. A validated Spanish PEG (PEG-S) exists, but its wording
  could not be obtained; the Spanish here is Relieflog's own careful translation, unvalidated.

Every string is copied character for character from the form (dashes, question marks,
"(a)" endings included); only the paper-form marking instruction ("Use ✔ ...") and the
office-coding lines are left out. Which copy of each form was matched, what could not be
confirmed, and the scoring rules are in docs/questionnaires.md. Do not edit a string here
without reading that document: a reworded item is no longer the validated instrument.

Shape: WORDING[language][instrument] -> {"title", "name", "recall", "items", ...}.
PHQ-9 and GAD-7 have "options" (the four answers, scored 0-3 in order); the PEG has
"anchors" (the words at 0 and at 10 for each item, scored 0-10). "difficulty" is the
unscored closing question and its four answers, or None where the form has none (the GAD-7
forms matched here and the PEG). Only "title", "name" and the PEG's "recall" are
Relieflog's own labels rather than form text (see docs/questionnaires.md).
"""

from __future__ import annotations

from typing import Any

WORDING: dict[str, dict[str, dict[str, Any]]] = {
    "en": {
        "phq9": {
            "title": "PHQ-9",
            "name": "Patient Health Questionnaire (PHQ-9)",
            "recall": (
                "Over the last 2 weeks, how often have you been bothered by any of the "
                "following problems?"
            ),
            "items": [
                "Little interest or pleasure in doing things",
                "Feeling down, depressed, or hopeless",
                "Trouble falling or staying asleep, or sleeping too much",
                "Feeling tired or having little energy",
                "Poor appetite or overeating",
                "Feeling bad about yourself \u2014 or that you are a failure or have let "
                "yourself or your family down",
                "Trouble concentrating on things, such as reading the newspaper or watching "
                "television",
                "Moving or speaking so slowly that other people could have noticed? Or the "
                "opposite \u2014 being so fidgety or restless that you have been moving around "
                "a lot more than usual",
                "Thoughts that you would be better off dead or of hurting yourself in some way",
            ],
            "options": [
                "Not at all",
                "Several days",
                "More than half the days",
                "Nearly every day",
            ],
            "difficulty": {
                "text": (
                    "If you checked off any problems, how difficult have these problems made "
                    "it for you to do your work, take care of things at home, or get along "
                    "with other people?"
                ),
                "options": [
                    "Not difficult at all",
                    "Somewhat difficult",
                    "Very difficult",
                    "Extremely difficult",
                ],
            },
        },
        "gad7": {
            "title": "GAD-7",
            "name": "Generalized Anxiety Disorder scale (GAD-7)",
            "recall": (
                "Over the last 2 weeks, how often have you been bothered by the following problems?"
            ),
            "items": [
                "Feeling nervous, anxious or on edge",
                "Not being able to stop or control worrying",
                "Worrying too much about different things",
                "Trouble relaxing",
                "Being so restless that it is hard to sit still",
                "Becoming easily annoyed or irritable",
                "Feeling afraid as if something awful might happen",
            ],
            "options": [
                "Not at all",
                "Several days",
                "More than half the days",
                "Nearly every day",
            ],
            # The PHQ Screeners GAD-7 form carries no difficulty question (see the docs).
            "difficulty": None,
        },
        "peg": {
            "title": "PEG",
            "name": "Pain, Enjoyment of life and General activity scale (PEG)",
            # Relieflog's label: the PEG prints no instruction line; each item names the week.
            "recall": "In the past week",
            "items": [
                "What number best describes your pain on average in the past week?",
                "What number best describes how, during the past week, pain has interfered "
                "with your enjoyment of life?",
                "What number best describes how, during the past week, pain has interfered "
                "with your general activity?",
            ],
            "anchors": [
                ["No pain", "Pain as bad as you can imagine"],
                ["Does not interfere", "Completely interferes"],
                ["Does not interfere", "Completely interferes"],
            ],
            "difficulty": None,
        },
    },
    "es": {
        "phq9": {
            "title": "PHQ-9",
            "name": "Cuestionario sobre la salud del paciente (PHQ-9)",
            "recall": (
                "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a "
                "los siguientes problemas?"
            ),
            "items": [
                "Poco interés o placer en hacer cosas",
                "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
                "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido "
                "demasiado",
                "Se ha sentido cansado(a) o con poca energía",
                "Sin apetito o ha comido en exceso",
                "Se ha sentido mal con usted mismo(a) \u2013 o que es un fracaso o que ha "
                "quedado mal con usted mismo(a) o con su familia",
                "Ha tenido dificultad para concentrarse en ciertas actividades, tales como "
                "leer el periódico o ver la televisión",
                "¿Se ha movido o hablado tan lento que otras personas podrían haberlo "
                "notado? o lo contrario \u2013 muy inquieto(a) o agitado(a) que ha estado "
                "moviéndose mucho más de lo normal",
                "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
            ],
            "options": [
                "Ningún día",
                "Varios días",
                "Más de la mitad de los días",
                "Casi todos los días",
            ],
            "difficulty": {
                "text": (
                    "Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado "
                    "estos problemas para hacer su trabajo, encargarse de las tareas del "
                    "hogar, o llevarse bien con otras personas?"
                ),
                "options": [
                    "No ha sido difícil",
                    "Un poco difícil",
                    "Muy difícil",
                    "Extremadamente difícil",
                ],
            },
        },
        "gad7": {
            "title": "GAD-7",
            "name": "Escala del trastorno de ansiedad generalizada (GAD-7)",
            "recall": (
                "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a "
                "los siguientes problemas?"
            ),
            "items": [
                "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
                "No ha sido capaz de parar o controlar su preocupación",
                "Se ha preocupado demasiado por motivos diferentes",
                "Ha tenido dificultad para relajarse",
                "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
                "Se ha molestado o irritado fácilmente",
                "Ha tenido miedo de que algo terrible fuera a pasar",
            ],
            "options": [
                "Ningún día",
                "Varios días",
                "Más de la mitad de los días",
                "Casi todos los días",
            ],
            "difficulty": None,
        },
        "peg": {
            "title": "PEG",
            "name": "Escala de dolor, disfrute de la vida y actividad general (PEG)",
            # UNVALIDATED: Relieflog's translation, not the published PEG-S (see the docs).
            "recall": "En la última semana",
            "items": [
                "¿Qué número describe mejor su dolor en promedio durante la última semana?",
                "¿Qué número describe mejor cuánto ha interferido el dolor, durante la "
                "última semana, en su disfrute de la vida?",
                "¿Qué número describe mejor cuánto ha interferido el dolor, durante la "
                "última semana, en su actividad general?",
            ],
            "anchors": [
                ["Sin dolor", "El dolor más fuerte que pueda imaginar"],
                ["No interfiere", "Interfiere por completo"],
                ["No interfiere", "Interfiere por completo"],
            ],
            "difficulty": None,
        },
    },
}

SOURCES: dict[str, str] = {
    "phq9": (
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity "
        "measure. J Gen Intern Med 2001;16(9):606-613. Text: PHQ Screeners (phqscreeners.com) "
        "forms 'PHQ-9 English' and 'PHQ-9 Spanish for the USA'; developed by Drs. Robert L. "
        "Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant "
        "from Pfizer Inc.; no permission required to reproduce, translate, display or distribute."
    ),
    "gad7": (
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized "
        "anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097. Text: PHQ "
        "Screeners (phqscreeners.com) forms 'GAD-7 English for the USA' and 'GAD-7 Spanish for "
        "the USA'; same developers and Pfizer educational grant; no permission required to "
        "reproduce, translate, display or distribute."
    ),
    "peg": (
        "Krebs EE, Lorenz KA, Bair MJ, Damush TM, Wu J, Sutherland JM, Asch SM, Kroenke K. "
        "Development and initial validation of the PEG, a three-item scale assessing pain "
        "intensity and interference. J Gen Intern Med 2009;24(6):733-738 (English; public "
        "domain). Spanish: Relieflog's own translation, NOT validated and NOT the published "
        "Spanish PEG-S (PMC11580754), whose wording could not be obtained."
    ),
}
