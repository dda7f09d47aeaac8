"""Every setting of territoire, read from the environment in one place, once.

``Settings.from_environment()`` is the only reader of ``TERRITOIRE_*`` variables; the rest
of the code receives a ``Settings`` (through its ``Workspace``). The table ``VARIABLES``
documents each variable; the documentation's settings reference is generated from it
(``tools/docs_reference.py``).

``resolve_home`` turns the configured home into a usable folder: ``--home DIR`` >
``$TERRITOIRE_HOME`` > the platform's user data folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from territoire_data.archives import ArchiveLimits
from territoire_data.errors import TerritoireError

HOME_VARIABLE = "TERRITOIRE_HOME"
CADASTRE_BASE = "https://cadastre.data.gouv.fr/data/etalab-cadastre/latest/geojson/communes"
DEFAULT_MESSAGE_LIMIT = (20, 60)
DEFAULT_REQUEST_LIMIT = (5, 86_400)  # access requests per actor and day
DEFAULT_INVITATION_LIMIT = (30, 86_400)  # invitations per élu or agent and day
DEFAULT_DIGEST_HOUR = 7
DEFAULT_KERNEL_CEILING = 20
DEFAULT_KERNEL_CULL_S = 30  # idle seconds before the kernel of a page gone without a word is freed
DEFAULT_ARCHIVE_MAX_BYTES = 8 * 2**30  # uncompressed bytes read from one file (all its members)
DEFAULT_ARCHIVE_MAX_RATIO = 200  # uncompressed / compressed size of a member
DEFAULT_ARCHIVE_MAX_DEPTH = 3  # archives inside archives
DEFAULT_COVERAGE_COMMUNES = 0.95  # an event file covers a département listing this share of its communes…
DEFAULT_COVERAGE_POPULATION = 0.90  # …or half of them at least, holding this share of its population

# Variable → (Settings field, what it does, in French: the documentation shows these words).
VARIABLES: dict[str, tuple[str, str]] = {
    "TERRITOIRE_HOME": ("home", "dossier de travail (référentiel, entrepôt, téléchargements, base des discussions)"),
    "TERRITOIRE_DB_URL": (
        "db_url",
        "base des discussions (PostgreSQL : `postgresql+psycopg://…`) ; par défaut SQLite dans le dossier de travail",
    ),
    "TERRITOIRE_USER": ("user", "identifiant de l'utilisateur en usage local (sans JupyterHub ni en-tête)"),
    "TERRITOIRE_IDENTITY_HEADER": (
        "identity_header",
        "en-tête HTTP portant l'identifiant, derrière un proxy authentifiant (par ex. `X-Forwarded-User`)",
    ),
    "TERRITOIRE_MESSAGE_LIMIT": (
        "message_limit",
        "messages qu'un utilisateur peut publier par période, `NOMBRE/SECONDES` (défaut `20/60`)",
    ),
    "TERRITOIRE_BASEMAP_URL": (
        "basemap_url",
        "modèle d'adresse des tuiles du fond de carte (`https://…/{z}/{x}/{y}.png`) ; "
        "par défaut aucun : la carte ne montre que les contours, aucune requête ne quitte le serveur",
    ),
    "TERRITOIRE_BASEMAP_ATTRIBUTION": ("basemap_attribution", "mention de la source du fond de carte configuré"),
    "TERRITOIRE_KERNEL_CEILING": (
        "kernel_ceiling",
        "tableaux de bord ouverts en même temps au plus (un noyau chacun, hors noyaux préchauffés ; défaut 20)",
    ),
    "TERRITOIRE_KERNEL_CULL_S": (
        "kernel_cull_s",
        "secondes d'inactivité après lesquelles le noyau d'une page fermée sans prévenir (onglet tué, réseau "
        "perdu) est libéré, vérifiées toutes les `secondes / 3` (défaut 30) ; un noyau dont la page est "
        "connectée n'est jamais libéré",
    ),
    "TERRITOIRE_ZAN_NO_GUARANTEE": (
        "zan_no_guarantee",
        "communes sans PLU, PLUi ni carte communale (au RNU), séparées par des virgules : la garantie communale "
        "de 1 ha de la loi du 20 juillet 2023 ne leur est pas appliquée (par défaut, elle l'est à toute commune) ; "
        "lu à la construction de l'entrepôt (`territoire data build`), qui l'enregistre dans son manifeste",
    ),
    "TERRITOIRE_ARCHIVE_MAX_BYTES": (
        "archive_max_bytes",
        "octets décompressés lus au plus dans un fichier et ses archives (défaut 8 Gio, soit `8589934592`)",
    ),
    "TERRITOIRE_ARCHIVE_MAX_RATIO": (
        "archive_max_ratio",
        "taux de compression au-delà duquel un membre d'archive est refusé (bombe zip ; défaut `200`)",
    ),
    "TERRITOIRE_ARCHIVE_MAX_DEPTH": (
        "archive_max_depth",
        "niveaux d'archives imbriquées acceptés (zip dans un zip… ; défaut `3`)",
    ),
    "TERRITOIRE_COVERAGE_COMMUNES": (
        "coverage_communes",
        "part des communes d'un département qu'un fichier d'événements (permis, ventes, équipements…) doit "
        "lister pour que les communes absentes comptent zéro ; sinon elles sont « non couvertes » (défaut `95` %)",
    ),
    "TERRITOIRE_COVERAGE_POPULATION": (
        "coverage_population",
        "ou part de la population du département que les communes listées doivent porter, si elles en font au "
        "moins la moitié (défaut `90` %)",
    ),
    "TERRITOIRE_STORE_SERVICE_URL": (
        "store_service_url",
        "adresse du service d'échange JupyterHub (déploiement : les serveurs des utilisateurs n'ouvrent pas la base, "
        "ils l'appellent avec leur jeton du Hub)",
    ),
    "TERRITOIRE_REQUEST_LIMIT": (
        "request_limit",
        "demandes d'accès qu'un acteur peut faire par période, `NOMBRE/SECONDES` (défaut `5/86400`)",
    ),
    "TERRITOIRE_INVITATION_LIMIT": (
        "invitation_limit",
        "invitations qu'un élu ou agent peut envoyer par période, `NOMBRE/SECONDES` (défaut `30/86400`)",
    ),
    "TERRITOIRE_SMTP_HOST": (
        "smtp_host",
        "serveur SMTP des notifications par courriel ; par défaut aucun : pas de courriel (les notifications "
        "restent dans le tableau de bord)",
    ),
    "TERRITOIRE_SMTP_PORT": (
        "smtp_port",
        "port du serveur SMTP (défaut : 587 avec `starttls`, 465 avec `ssl`, 25 sinon)",
    ),
    "TERRITOIRE_SMTP_TLS": ("smtp_tls", "chiffrement SMTP : `starttls` (défaut), `ssl` ou `aucun`"),
    "TERRITOIRE_SMTP_USER": ("smtp_user", "identifiant SMTP, si le serveur en demande un"),
    "TERRITOIRE_SMTP_PASSWORD": ("smtp_password", "mot de passe SMTP (jamais affiché ni journalisé)"),
    "TERRITOIRE_SMTP_SENDER": (
        "smtp_sender",
        "expéditeur des courriels, par ex. `territoire <ne-pas-repondre@agglo.fr>` (défaut : `territoire@` + serveur)",
    ),
    "TERRITOIRE_SIRENE_URL": (
        "sirene_url",
        "adresse de l'API Sirene de l'INSEE (par ex. `https://api.insee.fr/api-sirene/3.11`) : un SIREN revendiqué "
        "par un profil y est vérifié ; par défaut aucune : les administrateurs vérifient (`territoire acteurs verifier`)",
    ),
    "TERRITOIRE_SIRENE_TOKEN": ("sirene_token", "clé de l'API Sirene (jamais affichée ni journalisée)"),
    "TERRITOIRE_DASHBOARD_URL": (
        "dashboard_url",
        "adresse publique du tableau de bord, pour les liens des courriels (défaut : l'adresse de "
        "`territoire dashboard` qui les envoie)",
    ),
    "TERRITOIRE_DIGEST_HOUR": ("digest_hour", "heure d'envoi du résumé quotidien des notifications, 0 à 23 (défaut 7)"),
    "TERRITOIRE_NO_PROGRESS": ("progress", "`1` : pas de barres de progression (journaux, CI)"),
    "TERRITOIRE_DEBUG": ("debug", "`1` : trace complète des erreurs inattendues"),
    "TERRITOIRE_CADASTRE_URL": ("cadastre_url", "adresse des fichiers cadastraux Etalab (radar foncier)"),
    "TERRITOIRE_DOWNLOAD_URL": (
        "download_url",
        "adresse qui remplace celle des producteurs pour `territoire data fetch` (miroir interne)",
    ),
}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "oui", "yes", "on")


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _positive(value: str | None, default: int) -> int:
    try:
        number = int((value or "").strip())
    except ValueError:
        return default
    return number if number > 0 else default


def _share(value: str | None, default: float) -> float:
    """A share written ``95``, ``95 %`` or ``0.95`` (``0,95``); anything else gives the default."""
    text = (value or "").strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return default
    number = number / 100 if number > 1 else number
    return number if 0 < number <= 1 else default


def _basemap_url(value: str | None) -> str | None:
    """A tile URL template (http(s), with {z}, {x} and {y}); anything else: no basemap."""
    value = _text(value)
    if value is None:
        return None
    if not value.startswith(("https://", "http://")) or not all(k in value for k in ("{z}", "{x}", "{y}")):
        raise TerritoireError(
            f"Fond de carte « {value} » : une adresse http(s) de tuiles avec {{z}}, {{x}} et {{y}} est attendue "
            "(par ex. https://tile.openstreetmap.org/{z}/{x}/{y}.png)."
        )
    return value


def parse_rate_limit(raw: str | None, default: tuple[int, int] = DEFAULT_MESSAGE_LIMIT) -> tuple[int, int]:
    """``"20/60"`` → (20, 60); anything unreadable gives the default rather than no limit."""
    try:
        number, seconds = (int(x) for x in (raw or "").split("/"))
    except ValueError:
        return default
    return (number, seconds) if number > 0 and seconds > 0 else default


SMTP_TLS = {"starttls": "starttls", "ssl": "ssl", "aucun": "none", "none": "none"}


def _smtp_tls(value: str | None) -> str:
    value = (_text(value) or "starttls").lower()
    if value not in SMTP_TLS:
        raise TerritoireError(f"TERRITOIRE_SMTP_TLS « {value} » : `starttls`, `ssl` ou `aucun` est attendu.")
    return SMTP_TLS[value]


def _hour(value: str | None) -> int:
    try:
        hour = int((value or "").strip())
    except ValueError:
        return DEFAULT_DIGEST_HOUR
    return hour if 0 <= hour <= 23 else DEFAULT_DIGEST_HOUR


@dataclass(frozen=True)
class Settings:
    """What can be configured, with its default. ``home=None``: the user data folder."""

    home: Path | None = None
    db_url: str | None = None
    user: str | None = None
    identity_header: str | None = None
    message_limit: tuple[int, int] = DEFAULT_MESSAGE_LIMIT
    basemap_url: str | None = None  # None: no tiles, no request leaves the server
    basemap_attribution: str | None = None
    kernel_ceiling: int = DEFAULT_KERNEL_CEILING
    kernel_cull_s: int = DEFAULT_KERNEL_CULL_S
    zan_no_guarantee: frozenset[str] = frozenset()
    archive_max_bytes: int = DEFAULT_ARCHIVE_MAX_BYTES
    archive_max_ratio: int = DEFAULT_ARCHIVE_MAX_RATIO
    archive_max_depth: int = DEFAULT_ARCHIVE_MAX_DEPTH
    coverage_communes: float = DEFAULT_COVERAGE_COMMUNES
    coverage_population: float = DEFAULT_COVERAGE_POPULATION
    store_service_url: str | None = None  # None: the store is opened here (local use, the service itself)
    request_limit: tuple[int, int] = DEFAULT_REQUEST_LIMIT
    invitation_limit: tuple[int, int] = DEFAULT_INVITATION_LIMIT
    smtp_host: str | None = None  # None: no e-mail
    smtp_port: int | None = None  # None: the TLS mode's usual port
    smtp_tls: str = "starttls"  # starttls, ssl, none
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_sender: str | None = None
    dashboard_url: str | None = None
    sirene_url: str | None = None  # None: SIREN claims wait for an administrator
    sirene_token: str | None = field(default=None, repr=False)
    digest_hour: int = DEFAULT_DIGEST_HOUR
    hub_token: str | None = field(default=None, repr=False)  # JUPYTERHUB_API_TOKEN, for the service
    progress: bool = True
    debug: bool = False
    cadastre_url: str = CADASTRE_BASE
    download_url: str | None = None
    # The variables as read (to hand on to child processes: kernels, report workers).
    source: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = _text(env.get("TERRITOIRE_HOME"))
        return cls(
            home=None if home is None else Path(home).expanduser(),
            db_url=_text(env.get("TERRITOIRE_DB_URL")),
            user=_text(env.get("TERRITOIRE_USER")),
            identity_header=_text(env.get("TERRITOIRE_IDENTITY_HEADER")),
            message_limit=parse_rate_limit(env.get("TERRITOIRE_MESSAGE_LIMIT", "20/60")),
            basemap_url=_basemap_url(env.get("TERRITOIRE_BASEMAP_URL")),
            basemap_attribution=_text(env.get("TERRITOIRE_BASEMAP_ATTRIBUTION")),
            kernel_ceiling=_positive(env.get("TERRITOIRE_KERNEL_CEILING"), DEFAULT_KERNEL_CEILING),
            kernel_cull_s=_positive(env.get("TERRITOIRE_KERNEL_CULL_S"), DEFAULT_KERNEL_CULL_S),
            zan_no_guarantee=frozenset(
                c.strip().upper() for c in (env.get("TERRITOIRE_ZAN_NO_GUARANTEE") or "").split(",") if c.strip()
            ),
            archive_max_bytes=_positive(env.get("TERRITOIRE_ARCHIVE_MAX_BYTES"), DEFAULT_ARCHIVE_MAX_BYTES),
            archive_max_ratio=_positive(env.get("TERRITOIRE_ARCHIVE_MAX_RATIO"), DEFAULT_ARCHIVE_MAX_RATIO),
            archive_max_depth=_positive(env.get("TERRITOIRE_ARCHIVE_MAX_DEPTH"), DEFAULT_ARCHIVE_MAX_DEPTH),
            coverage_communes=_share(env.get("TERRITOIRE_COVERAGE_COMMUNES"), DEFAULT_COVERAGE_COMMUNES),
            coverage_population=_share(env.get("TERRITOIRE_COVERAGE_POPULATION"), DEFAULT_COVERAGE_POPULATION),
            store_service_url=_text(env.get("TERRITOIRE_STORE_SERVICE_URL")),
            request_limit=parse_rate_limit(env.get("TERRITOIRE_REQUEST_LIMIT"), DEFAULT_REQUEST_LIMIT),
            invitation_limit=parse_rate_limit(env.get("TERRITOIRE_INVITATION_LIMIT"), DEFAULT_INVITATION_LIMIT),
            smtp_host=_text(env.get("TERRITOIRE_SMTP_HOST")),
            smtp_port=_positive(env.get("TERRITOIRE_SMTP_PORT"), 0) or None,
            smtp_tls=_smtp_tls(env.get("TERRITOIRE_SMTP_TLS")),
            smtp_user=_text(env.get("TERRITOIRE_SMTP_USER")),
            smtp_password=_text(env.get("TERRITOIRE_SMTP_PASSWORD")),
            smtp_sender=_text(env.get("TERRITOIRE_SMTP_SENDER")),
            dashboard_url=_text(env.get("TERRITOIRE_DASHBOARD_URL")),
            sirene_url=_text(env.get("TERRITOIRE_SIRENE_URL")),
            sirene_token=_text(env.get("TERRITOIRE_SIRENE_TOKEN")),
            digest_hour=_hour(env.get("TERRITOIRE_DIGEST_HOUR")),
            hub_token=_text(env.get("JUPYTERHUB_API_TOKEN")),
            progress=not _flag(env.get("TERRITOIRE_NO_PROGRESS")),
            debug=_flag(env.get("TERRITOIRE_DEBUG")),
            cadastre_url=(_text(env.get("TERRITOIRE_CADASTRE_URL")) or CADASTRE_BASE).rstrip("/"),
            download_url=_text(env.get("TERRITOIRE_DOWNLOAD_URL")),
            source={k: v for k, v in env.items() if k in VARIABLES},
        )

    @property
    def archive_limits(self) -> ArchiveLimits:
        return ArchiveLimits(self.archive_max_bytes, self.archive_max_ratio, self.archive_max_depth)

    def with_home(self, home: str | os.PathLike | None) -> Settings:
        return self if home is None else replace(self, home=Path(home).expanduser())

    def environment(self, home: Path | None = None) -> dict[str, str]:
        """The variables a child process (kernel, report worker) needs to see the same settings."""
        env = dict(self.source)
        if home is not None or self.home is not None:
            env[HOME_VARIABLE] = str(home if home is not None else self.home)
        if not self.progress:
            env["TERRITOIRE_NO_PROGRESS"] = "1"
        return env


def variables_for(**fields: str | None) -> dict[str, str]:
    """The environment variables setting these ``Settings`` fields (``None`` values left out),
    for a child process: ``variables_for(basemap_url=URL)`` → ``{"TERRITOIRE_BASEMAP_URL": URL}``."""
    names = {field_name: variable for variable, (field_name, _role) in VARIABLES.items()}
    return {names[name]: str(value) for name, value in fields.items() if value is not None}


def resolve_home(home: str | os.PathLike | None = None, *, writable: bool = True) -> Path:
    """The working folder, created if needed; a French error when it cannot be used.

    ``home=None`` reads ``$TERRITOIRE_HOME`` (through ``Settings``), else the user data folder.
    ``writable=False``: reading is enough (a dashboard served from a shared, read-only data
    folder); builds and downloads ask for a writable one.
    """
    if home is None:
        home = Settings.from_environment().home
    raw = home if home is not None else platformdirs.user_data_dir("territoire")
    path = Path(raw).expanduser()
    if path.exists() and not path.is_dir():
        raise TerritoireError(f"Le dossier de travail « {path} » existe mais n'est pas un dossier.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TerritoireError(
            f"Impossible de créer le dossier de travail « {path} » : {exc.strerror or exc}."
        ) from None
    if not os.access(path, os.R_OK | os.X_OK):
        raise TerritoireError(f"Le dossier de travail « {path} » n'est pas lisible.")
    if writable and not os.access(path, os.W_OK):
        raise TerritoireError(f"Le dossier de travail « {path} » n'est pas accessible en écriture.")
    return path.resolve()
