"""What each email says, in English and Spanish: never a score, a note, a date of care or
anything else of a person's health; a link only where the message is for it."""

from __future__ import annotations

LANGUAGES = ("en", "es")

_NOT_YOU = {
    "en": "If this was not you, reset your password now from the log-in screen "
          "(\"Forgot password?\") and tell your clinic or the person who runs this Relieflog.",
    "es": "Si no fuiste tú, restablece tu contraseña ahora desde la pantalla de inicio de "
          "sesión («¿Olvidaste tu contraseña?») y avisa a tu clínica o a quien administra "
          "este Relieflog.",
}

# template -> language -> (subject, body). Bodies are str.format templates.
MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "password_reset_link": {
        "en": ("Choose a new Relieflog password",
               "Someone asked to reset the password of your Relieflog account.\n\n"
               "Open this link within an hour to choose a new password (it works once):\n"
               "{url}\n\n"
               "If you did not ask, ignore this message: your password stays as it is."),
        "es": ("Elige una nueva contraseña de Relieflog",
               "Alguien pidió restablecer la contraseña de tu cuenta de Relieflog.\n\n"
               "Abre este enlace antes de una hora para elegir una contraseña nueva "
               "(funciona una sola vez):\n{url}\n\n"
               "Si no lo pediste, ignora este mensaje: tu contraseña no cambia."),
    },
    "password_changed": {
        "en": ("Your Relieflog password was changed",
               "The password of your Relieflog account was just changed. Every other "
               "device was logged out.\n\n{not_you}"),
        "es": ("Se cambió tu contraseña de Relieflog",
               "Se acaba de cambiar la contraseña de tu cuenta de Relieflog. Se cerró la "
               "sesión en todos los demás dispositivos.\n\n{not_you}"),
    },
    "password_reset": {
        "en": ("Your Relieflog password was reset",
               "The password of your Relieflog account was just reset with a one-time link. "
               "Every device was logged out.\n\n{not_you}"),
        "es": ("Se restableció tu contraseña de Relieflog",
               "Se acaba de restablecer la contraseña de tu cuenta de Relieflog con un enlace "
               "de un solo uso. Se cerró la sesión en todos los dispositivos.\n\n{not_you}"),
    },
    "mfa_enabled": {
        "en": ("Two-step login is on",
               "Two-step login was turned on for your Relieflog account: after your "
               "password, you will be asked for a code from your authenticator app or a "
               "passkey.\n\n{not_you}"),
        "es": ("El inicio de sesión en dos pasos está activado",
               "Se activó el inicio de sesión en dos pasos en tu cuenta de Relieflog: después "
               "de tu contraseña se te pedirá un código de tu app de autenticación o una "
               "llave de acceso.\n\n{not_you}"),
    },
    "mfa_disabled": {
        "en": ("Two-step login is off",
               "Two-step login was turned off for your Relieflog account: your password "
               "alone now logs in.\n\n{not_you}"),
        "es": ("El inicio de sesión en dos pasos está desactivado",
               "Se desactivó el inicio de sesión en dos pasos en tu cuenta de Relieflog: "
               "ahora basta tu contraseña para entrar.\n\n{not_you}"),
    },
    "mfa_reset": {
        "en": ("Two-step login was reset by the administrator",
               "The administrator of this Relieflog turned off two-step login for your "
               "account, as asked when a phone or key is lost. Every device was logged out. "
               "Log in with your password and turn it on again.\n\n{not_you}"),
        "es": ("El administrador restableció el inicio de sesión en dos pasos",
               "El administrador de este Relieflog desactivó el inicio de sesión en dos pasos "
               "de tu cuenta, como se pide cuando se pierde un teléfono o una llave. Se cerró "
               "la sesión en todos los dispositivos. Entra con tu contraseña y vuelve a "
               "activarlo.\n\n{not_you}"),
    },
    "recovery_code_used": {
        "en": ("A recovery code was used",
               "A recovery code was just used to log in to your Relieflog account. "
               "Recovery codes left: {left}.\n\n{not_you}"),
        "es": ("Se usó un código de recuperación",
               "Se acaba de usar un código de recuperación para entrar en tu cuenta de "
               "Relieflog. Códigos de recuperación restantes: {left}.\n\n{not_you}"),
    },
    "passkey_added": {
        "en": ("A passkey was added",
               "A passkey (\"{label}\") was added to your Relieflog account for two-step "
               "login.\n\n{not_you}"),
        "es": ("Se añadió una llave de acceso",
               "Se añadió una llave de acceso («{label}») a tu cuenta de Relieflog para el "
               "inicio de sesión en dos pasos.\n\n{not_you}"),
    },
    "clinic_invite": {
        "en": ("{inviter} invites you to {clinic} on Relieflog",
               "{inviter} invites you to join {clinic} as a provider on Relieflog.\n\n"
               "Open this link within {days} days (it works once):\n{url}\n\n"
               "If you already have a Relieflog account on this server, the link asks you to "
               "log in with it; otherwise you choose a password there. If you did not "
               "expect this, ignore this message: nothing changes."),
        "es": ("{inviter} te invita a {clinic} en Relieflog",
               "{inviter} te invita a unirte a {clinic} como profesional en Relieflog.\n\n"
               "Abre este enlace antes de {days} días (funciona una sola vez):\n{url}\n\n"
               "Si ya tienes una cuenta de Relieflog en este servidor, el enlace te pedirá "
               "que entres con ella; si no, allí eliges una contraseña. Si no lo esperabas, "
               "ignora este mensaje: no cambia nada."),
    },
    "account_deleted": {
        "en": ("Your Relieflog account was deleted",
               "Your Relieflog account and every entry in it were deleted. Nothing of it is "
               "kept on this server.\n\nIf this was not you, tell the person who runs this "
               "Relieflog."),
        "es": ("Se eliminó tu cuenta de Relieflog",
               "Se eliminaron tu cuenta de Relieflog y todos sus registros. No queda nada de "
               "ella en este servidor.\n\nSi no fuiste tú, avisa a quien administra este "
               "Relieflog."),
    },
}


def language(tag: str | None) -> str:
    """"es", "es-MX" and "ES" are Spanish; any other language gets English."""
    primary = (tag or "").split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


def render(template: str, lang: str, params: dict[str, object]) -> tuple[str, str]:
    """(subject, body) of a message in `lang` (English when there is no such language)."""
    subject, body = MESSAGES[template][language(lang)]
    words = {"not_you": _NOT_YOU[language(lang)], **params}
    return subject.format(**words), body.format(**words) + "\n\n— Relieflog\n"
