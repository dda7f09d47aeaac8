"""What the figures mean, in plain French: peers explained, ranks in words, the takeaways.

One module for the dashboard and the reports. ``takeaways`` builds « Ce qu'il faut retenir »
by rules, never by a language model: the strongest and weakest positions among peers, the
trends of population and employment, the ZAN status. Every sentence carries the figures it
cites (``Takeaway.values``), so that tests check the text against the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from territoire_data.core.catalogue import DOWN_GOOD, EXTENSIVE_UNITS, UP_GOOD
from territoire_data.core.peer_groups import DENSITY_LEVELS, MIN_SIMILAR, SIZE_BOUNDS
from territoire_data.rendering.formatting import number

MINIMUM_PEERS = 5  # fewer peers: no "strongest/weakest position" sentence
TREND_INDICATORS = ("variation_annuelle_population", "variation_annuelle_emplois", "variation_annuelle_logements")
SIMILARITY_GROUPS = ("densite", "densite_approchee", "taille")  # peers listed nearest in population first
LEVEL_NAMES = {"epci": "intercommunalités (EPCI)", "dep": "départements", "reg": "régions", "scot": "SCoT"}


@dataclass(frozen=True)
class PeerDescription:
    group: str  # densite, taille, departement, epci, france, liste, niveau…
    title: str  # « communes de même densité (bourgs ruraux) »
    definition: str  # how the group is made, one sentence
    codes: tuple[str, ...] = ()
    key: str = ""  # the peer set's key (``peer_groups.Peers.key``): names its shared list on a site


@dataclass(frozen=True)
class Takeaway:
    text: str
    kind: str  # strength, weakness, trend, zan
    indicator: str | None = None
    year: int | None = None
    group: str | None = None
    values: dict = field(default_factory=dict)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def band_words(low: int, high: int) -> str:
    """The population range of INSEE size classes low..high: « de 5 000 à 9 999 habitants »,
    « 20 000 habitants ou plus », « moins de 200 habitants »."""
    bottom = SIZE_BOUNDS[low - 1] if 1 <= low <= len(SIZE_BOUNDS) else 0
    if high >= len(SIZE_BOUNDS):
        return f"{number(bottom)} habitants ou plus" if bottom else "de toutes tailles"
    top = SIZE_BOUNDS[max(high, 1)]
    return f"de {number(bottom)} à {number(top - 1)} habitants" if bottom else f"moins de {number(top)} habitants"


def _similar(value: str) -> tuple[int, str, str]:
    """(density level, size band in words, the sentence saying how) from a density key's tail
    ``LEVEL:LOW-HIGH:OWN`` (``LEVEL`` alone: a key written before groups were narrowed)."""
    parts = value.split(":")
    level = int(float(parts[0])) if parts and parts[0] else 0
    if len(parts) < 3:
        return level, "", ""
    low, high = (int(x) for x in parts[1].split("-"))
    own = int(parts[2])
    band = band_words(low, high)
    if low == high == own:
        return level, band, f" et qui comptent, comme elle, {band}"
    return (
        level,
        band,
        (
            f" et qui comptent {band} (la commune en compte {band_words(own, own)} ; sa classe de taille est "
            f"élargie aux classes voisines pour réunir au moins {MIN_SIMILAR} communes)"
        ),
    )


def describe_peers(group: str, key: str, codes, *, epci_name: str | None = None, departement: str | None = None):
    """What a peer group is, for an élu: its name and how it is made."""
    from dataclasses import replace

    return replace(_described(group, key, codes, epci_name=epci_name, departement=departement), key=key)


def _described(group: str, key: str, codes, *, epci_name: str | None, departement: str | None) -> PeerDescription:
    kind, _, value = key.partition(":")
    codes = tuple(str(c) for c in codes)
    n = len(codes)
    if group in ("densite", "densite_approchee"):
        level, band, sized_definition = _similar(value)
        sized = f", {band}" if band else ""
        if group == "densite":
            name = DENSITY_LEVELS.get(level, "niveau inconnu")
            return PeerDescription(
                group,
                f"communes de même densité ({name}{sized})",
                f"Les {number(n)} communes classées « {name} » (niveau {level} sur 7) par la grille communale de "
                "densité de l'INSEE, qui classe chaque commune selon la répartition de sa population sur le "
                f"territoire{sized_definition}.",
                codes,
            )
        return PeerDescription(
            group,
            f"communes de densité comparable (approchée{sized})",
            f"Les {number(n)} communes de densité de population comparable (habitants par km² ; la grille de "
            f"densité de l'INSEE n'est pas chargée, la classe est approchée){sized_definition}.",
            codes,
        )
    if group == "taille":
        level = int(float(value)) if value else 0
        band = band_words(level, level)
        return PeerDescription(
            group,
            f"communes de même taille ({band})",
            f"Les {number(n)} communes de France qui comptent {band}.",
            codes,
        )
    if group == "epci":
        name = f"« {epci_name} »" if epci_name else "de l'intercommunalité"
        return PeerDescription(
            group, f"communes de l'EPCI {name}", f"Les {number(n)} communes de l'EPCI {name}.", codes
        )
    if group == "departement":
        where = f" ({departement})" if departement else ""
        return PeerDescription(
            group, f"communes du département{where}", f"Les {number(n)} communes du département{where}.", codes
        )
    if group == "france":
        return PeerDescription(group, "communes de France", f"Les {number(n)} communes de France.", codes)
    if group == "liste":
        return PeerDescription(
            group, "communes de la liste choisie", f"Les {number(n)} communes de la liste choisie.", codes
        )
    prefix = key.split(":")[1] if key.startswith("niveau:") else ""
    name = LEVEL_NAMES.get(prefix, "territoires de même niveau")
    present = "présentes" if name.startswith(("intercommunalités", "régions")) else "présents"
    return PeerDescription(group, name, f"Les {number(n)} {name} {present} dans les données.", codes)


def rank_words(line: dict, peers_title: str) -> str:
    """« au-dessus de 80 % des 17 communes de même densité (bourgs ruraux) » — or « dans la
    moyenne » near the median. Empty without a position."""
    raw, n = line.get("percentile"), int(line.get("peers_n") or 0)
    if raw is None or not _present(raw) or n < 2:
        return ""
    p = min(max(float(raw), 0.0), 100.0)
    others = f"des {number(n)} {peers_title}"
    if 40 <= p <= 60:
        return f"dans la moyenne {others} (médiane {number(line.get('median'), int(line.get('decimals') or 0))})"
    if round(p) >= 100:  # above every peer: never « au-dessus de 100 % »
        return f"au-dessus {others}"
    if round(p) <= 0:
        return f"en dessous {others}"
    if p > 60:
        return f"au-dessus de {number(p, 0)} % {others}"
    return f"en dessous de {number(100 - p, 0)} % {others}"


def judgement(line: dict) -> str:
    """« favorable » / « défavorable » for the position among peers, « » when neutral.

    One verdict rule for every view (cards, « Ce qu'il faut retenir », reports): only an
    intensive figure — a share, a rate, a value per inhabitant, per household or per hectare —
    is judged among its peers; a total or an area (population, hectares consumed, dwellings,
    the ZAN allowance) grows with the territory's size, so it gets its position in words
    and no verdict."""
    raw, polarity = line.get("percentile"), line.get("polarity")
    if raw is None or not _present(raw) or polarity not in (UP_GOOD, DOWN_GOOD) or 40 <= float(raw) <= 60:
        return ""
    if line.get("unit") in EXTENSIVE_UNITS:
        return ""
    high = float(raw) > 60
    return "favorable" if high == (polarity == UP_GOOD) else "défavorable"


def _value(line: dict) -> str:
    return f"{number(line['value'], int(line.get('decimals') or 0))} {line.get('unit') or ''}".strip()


def _favourability(line: dict) -> float | None:
    p = line.get("percentile")
    if p is None or not _present(p) or line.get("polarity") not in (UP_GOOD, DOWN_GOOD):
        return None
    return float(p) if line["polarity"] == UP_GOOD else 100 - float(p)


def _positioned(rows: list[dict]) -> list[tuple[float, dict]]:
    usable = []
    for line in rows:
        if line.get("status") != "ok" or not line.get("comparable", True) or not _present(line.get("value")):
            continue
        if line.get("cumulative") or line["id"] in TREND_INDICATORS or line.get("unit") in EXTENSIVE_UNITS:
            continue
        if int(line.get("peers_n") or 0) < MINIMUM_PEERS:
            continue
        score = _favourability(line)
        if score is not None:
            usable.append((score, line))
    return usable


def _position_sentence(kind: str, line: dict, peers: PeerDescription) -> Takeaway:
    lead = "Point fort" if kind == "strength" else "Point de vigilance"
    label = line["label"][:1].lower() + line["label"][1:]
    text = (
        f"{lead} : {label} — {_value(line)} en {int(line['year'])}, {rank_words(line, peers.title)} : "
        f"{judgement(line)}."
    )
    return Takeaway(
        text,
        kind,
        line["id"],
        int(line["year"]),
        peers.group,
        {"value": line["value"], "percentile": line["percentile"], "peers_n": int(line["peers_n"])},
    )


def _trend_sentence(line: dict | None, subject: str) -> Takeaway | None:
    if line is None or line.get("status") != "ok" or not _present(line.get("value")):
        return None
    rate = float(line["value"])
    period = f" en moyenne entre les deux derniers recensements (recensement {int(line['year'])})"
    if abs(rate) < 0.05:
        movement = "est stable"
    elif rate > 0:
        movement = f"augmente de {number(rate, 1)} % par an"
    else:
        movement = f"diminue de {number(-rate, 1)} % par an"
    return Takeaway(
        f"{subject} {movement}{period}.", "trend", line["id"], int(line["year"]), None, {"annual_rate": rate}
    )


def zan_sentence(trajectory: dict) -> Takeaway | None:
    """The ZAN status and the date of exhaustion at the current pace."""
    if not trajectory or not trajectory.get("available"):
        return None
    consumed, allowance = trajectory["consumed_since_2021_ha"], trajectory["allowance_2021_2030_ha"]
    share = consumed / allowance * 100 if allowance > 0 else math.nan
    pace, latest = trajectory["pace_ha_per_year"], trajectory["last_year"]
    exhaustion = trajectory.get("exhaustion_year")
    head = (
        f"ZAN : {number(consumed, 1)} ha d'espaces naturels, agricoles et forestiers consommés de 2021 à {latest}, "
        f"soit {number(share, 0)} % de l'enveloppe 2021-2030 de {number(allowance, 1)} ha"
    )
    if trajectory.get("floor_1ha_applied"):
        head += " (garantie communale de 1 ha)"
    if consumed >= allowance:
        tail = " : l'enveloppe est déjà dépassée."
    elif exhaustion is not None and exhaustion <= 2030:
        tail = f" ; au rythme observé de {number(pace, 2)} ha par an, elle serait épuisée en {exhaustion}."
    else:
        tail = f" ; au rythme observé de {number(pace, 2)} ha par an, elle ne serait pas épuisée avant 2031."
    return Takeaway(
        head + tail,
        "zan",
        "part_enveloppe_zan_consommee",
        latest,
        None,
        {"consumed_ha": consumed, "allowance_ha": allowance, "pace_ha_per_year": pace, "exhaustion_year": exhaustion},
    )


def takeaways(rows: list[dict], peers: PeerDescription, zan_trajectory: dict | None = None) -> list[Takeaway]:
    """« Ce qu'il faut retenir »: 3 to 6 sentences from the figures (fewer when data lack)."""
    by_id = {line["id"]: line for line in rows}
    out: list[Takeaway] = []
    positioned = _positioned(rows)
    if positioned:
        best = max(positioned, key=lambda x: x[0])
        worst = min(positioned, key=lambda x: x[0])
        if best[0] > 60:
            out.append(_position_sentence("strength", best[1], peers))
        if worst[0] < 40 and worst[1] is not best[1]:
            out.append(_position_sentence("weakness", worst[1], peers))
    for indicator, subject in zip(TREND_INDICATORS, ("La population", "L'emploi", "Le nombre de logements")):
        sentence = _trend_sentence(by_id.get(indicator), subject)
        if sentence is not None:
            out.append(sentence)
    zan = zan_sentence(zan_trajectory or {})
    if zan is not None:
        out.append(zan)
    return out[:6]


@dataclass(frozen=True)
class Reading:
    """A territory's reading: its peer group explained and « Ce qu'il faut retenir »."""

    peers: PeerDescription
    takeaways: list[Takeaway]
    peer_names: tuple[tuple[str, str], ...] = ()  # (code, name), by name


def reading_of(territory, peers: str, warehouse, table=None) -> Reading:
    """The reading of a territory of a workspace (the dashboard and the reports call this)."""
    from territoire_data.core import indicators, peer_groups, zan

    if table is None:
        table = indicators.indicator_table(territory, peers=peers, warehouse=warehouse)
    group = peer_groups.peers_in(territory, peers, warehouse)
    epci_name = departement = None
    referential = territory.referential
    if territory.level == "commune":
        communes = referential.communes
        epci = communes.at[territory.code, "epci"] if "epci" in communes else None
        if isinstance(epci, str) and group.group == "epci":
            epci_name = territory.workspace.territory(f"epci:{epci}").name
        if group.group == "departement":
            departement = territory.workspace.territory(f"dep:{communes.at[territory.code, 'departement']}").name
    description = describe_peers(group.group, group.key, group.codes, epci_name=epci_name, departement=departement)
    nearest = None
    if group.group in SIMILARITY_GROUPS:
        nearest = (peer_groups.populations_of(referential, warehouse), territory.code)
    peer_names = _peer_names(referential, list(group.codes), nearest)
    trajectory = zan.trajectory(territory, warehouse=warehouse) if territory.level != "liste" else None
    return Reading(description, takeaways(table.to_dict("records"), description, trajectory), peer_names)


def _peer_names(referential, codes: list[str], nearest=None) -> tuple[tuple[str, str], ...]:
    """(code, name) of the peers, a homonym followed by its département (« Argelos (40) »,
    « Argelos (64) »): in French alphabetical order (accents and case aside), or — ``nearest``
    = (populations, code), for a group of similar communes — nearest in population first (the
    ratio either way), the commune itself at the head, then by name. Vectorised: a group can
    hold thousands of communes, and a national site names the peers of every commune."""
    import numpy as np
    import pandas as pd

    communes = referential.communes
    if "name" not in communes or not len(codes):
        return ()
    positions = communes.index.get_indexer(pd.Index(codes))
    present = positions[positions >= 0]
    if not len(present):
        return ()
    columns = referential.derived("peer-name-columns", lambda: _columns(communes))
    names = columns["name"][present]
    labels = names
    if "departement" in columns:
        counts = pd.Series(names).value_counts()
        repeated = counts.reindex(names).to_numpy() > 1
        labels = np.where(repeated, columns["labelled"][present], names)
    order = pd.DataFrame({"key": columns["key"][present], "label": labels})
    order["distance"] = 0.0
    present_codes = columns["code"][present]
    if nearest is not None:
        populations, own = nearest
        mine = float(populations.get(own, math.nan))
        if mine > 0:
            aligned = populations.index is communes.index  # ``peer_groups.populations``: by position
            theirs = (populations.to_numpy() if aligned else populations.reindex(columns["code"]).to_numpy())[present]
            theirs = theirs.astype("float64")
            with np.errstate(divide="ignore", invalid="ignore"):
                distance = np.abs(np.log(theirs / mine))
            order["distance"] = np.where(np.isfinite(distance), distance, np.inf)
        order.loc[present_codes == own, "distance"] = -1.0  # the commune itself heads its list
    order = order.sort_values(["distance", "key", "label"], kind="stable")
    return tuple(zip(present_codes[order.index.to_numpy()].tolist(), order["label"].astype(str).tolist()))


def _columns(communes) -> dict:
    """The communes' codes, names, « name (département) » labels and French sort keys (no
    accents, no case), as arrays (the referential keeps them: ``Referential.derived``)."""
    import numpy as np

    from territoire_data.text.places import without_accents

    names = np.array(communes["name"].astype(str).tolist(), dtype=object)
    columns = {
        "code": np.array(communes.index.astype(str).tolist(), dtype=object),
        "name": names,
        "key": np.array([without_accents(n).casefold() for n in names], dtype=object),
    }
    if "departement" in communes:
        departements = communes["departement"].astype(str).tolist()
        columns["departement"] = np.array(departements, dtype=object)
        columns["labelled"] = np.array([f"{n} ({d})" for n, d in zip(names, departements)], dtype=object)
    return columns


def peer_order(group: str) -> str:
    """How a group's peers are listed, in words (``_peer_names``'s order)."""
    return "les plus proches en population d'abord" if group in SIMILARITY_GROUPS else "par ordre alphabétique"


def takeaways_html(reading: Reading, listed: bool = True, *, at_most: int | None = None, whole: str = "") -> str:
    """« Ce qu'il faut retenir » and the peer group, as HTML (dashboard and reports).

    ``listed``: every compared commune, unfolded, so that the printed page names its peers
    (reports); the dashboard lists them a page at a time in its own widget instead.
    ``at_most``: on a national site, the nearest names only, then « et N autres » and, with
    ``whole``, a link to the group's full list (one shared page per group)."""
    import html

    items = "".join(f'<li data-type="{html.escape(t.kind)}">{html.escape(t.text)}</li>' for t in reading.takeaways)
    order = peer_order(reading.peers.group)
    names = reading.peer_names if at_most is None else reading.peer_names[:at_most]
    rest = len(reading.peer_names) - len(names)
    more = ""
    if rest:
        more = f" et {number(rest)} autres" + (f' (<a href="{html.escape(whole)}">liste complète</a>)' if whole else "")
    listing = (
        f'<details class="ti-pairs-liste" open><summary>Les {number(len(reading.peer_names))} communes comparées '
        f"({order})</summary><p>{', '.join(html.escape(name) for _code, name in names)}{more}</p></details>"
        if listed and reading.peer_names
        else ""
    )
    return (
        '<section class="ti-retenir"><h2>Ce qu\'il faut retenir</h2>'
        + (f"<ul>{items}</ul>" if items else "<p>Pas assez de données pour une synthèse.</p>")
        + f'<p class="ti-pairs"><strong>Comparée aux {html.escape(reading.peers.title)}</strong> : '
        + f"{html.escape(reading.peers.definition)}</p>{listing}</section>"
    )
