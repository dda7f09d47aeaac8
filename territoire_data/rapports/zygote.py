"""Warm worker processes that fork a clean child for every report.

``Zygote`` starts ``python -m territoire_data.rapports.zygote``: it imports what reports
need, loads the referential and the warehouse, compiles the HTML templates, then waits for
tasks on its standard input. For each task it forks; the child runs the report and sends
the result back; the zygote relays it. A report therefore starts warm (no interpreter, no
kernel, no import, no data load: a fork takes a few milliseconds) and finishes in a process
that disappears with everything it did — globals, imported modules and their side effects,
open figures, environment changes. That is the isolation between reports.

Started as a subprocess (not ``multiprocessing``) so that it also runs inside Dask workers,
which are daemonic processes.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading

from territoire_data.erreurs import TerritoireErreur


def _envoyer(flux, objet) -> None:
    donnees = pickle.dumps(objet, protocol=pickle.HIGHEST_PROTOCOL)
    flux.write(struct.pack("!Q", len(donnees)) + donnees)
    flux.flush()


def _recevoir(flux):
    entete = flux.read(8)
    if len(entete) < 8:
        raise EOFError
    (taille,) = struct.unpack("!Q", entete)
    donnees = flux.read(taille)
    if len(donnees) < taille:
        raise EOFError
    return pickle.loads(donnees)


def _lire_tout(fd: int) -> bytes:
    morceaux = []
    while True:
        morceau = os.read(fd, 1 << 20)
        if not morceau:
            return b"".join(morceaux)
        morceaux.append(morceau)


# -- inside the zygote ---------------------------------------------------------------------

def prechauffer(departements: list[str], exemple: str | None = None, codes: list[str] | None = None) -> None:
    """Everything a report would otherwise do first, done once before forking.

    ``exemple``: a commune whose portrait is run once here (then the shell is reset), so that
    the lazy imports and caches of a whole run are warm in every child.
    """
    import IPython.core.interactiveshell  # noqa: F401
    import papermill  # noqa: F401

    from territoire_data import portrait
    from territoire_data.entrepot import ouvrir
    from territoire_data.rapports import execution, moteur  # noqa: F401
    from territoire_data.referential import charger

    charger()
    entrepot = ouvrir()
    entrepot.derniers  # noqa: B018
    entrepot.valeurs_matrice  # noqa: B018
    execution.exportateur_html()
    if codes:
        entrepot.precharger(codes)  # the batch's series and NAF flows: no Parquet read per report
    for departement in departements:
        portrait.formes_departement(departement)
        if codes:  # draw the département's map once, here: each report only outlines its commune
            membres = [c for c in codes if c in portrait.charger().communes.index
                       and portrait.charger().communes.at[c, "departement"] == departement]
            if membres:
                portrait.Portrait(membres[0]).carte()
    # The templates compile on first use: convert a tiny notebook once.
    import nbformat

    execution.exportateur_html().from_notebook_node(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x")]))
    if exemple:
        from territoire_data.rapports.plan import CARNET as carnet
        if carnet.is_file():
            for code in (exemple, "<essai d'erreur>"):  # a normal run, then the error path (tracebacks)
                execution.executer(execution.Tache(code, code, str(carnet), {"code": code}, "", ""))
            # Children start from a clean namespace; modules imported by our portrait stay warm.
            moteur.coquille().reset(new_session=True)


def _executer_dans_un_enfant(tache, delai_s: int):
    from territoire_data.rapports.execution import Resultat, executer

    lecture, ecriture = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one report, then gone
        os.close(lecture)
        code_sortie = 0
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.alarm(delai_s)
            resultat = executer(tache)
            signal.alarm(0)
            with os.fdopen(ecriture, "wb") as flux:
                flux.write(pickle.dumps(resultat, protocol=pickle.HIGHEST_PROTOCOL))
        except BaseException:  # noqa: BLE001 — the parent reports the failure
            code_sortie = 1
        finally:
            os._exit(code_sortie)
    os.close(ecriture)
    _executer_dans_un_enfant.enfant = pid
    donnees = _lire_tout(lecture)
    os.close(lecture)
    _, statut = os.waitpid(pid, 0)
    _executer_dans_un_enfant.enfant = None
    if donnees:
        return pickle.loads(donnees)
    if os.WIFSIGNALED(statut):
        raison = ("délai dépassé" if os.WTERMSIG(statut) == signal.SIGALRM
                  else f"processus arrêté par le signal {os.WTERMSIG(statut)}")
    else:
        raison = f"processus terminé avec le code {os.WEXITSTATUS(statut)}"
    return Resultat(tache.code, tache.fichier, tache.empreinte, "erreur", 0.0, message=f"Rapport interrompu : {raison}.")


_executer_dans_un_enfant.enfant = None


def _arreter(_signum, _frame) -> None:
    enfant = _executer_dans_un_enfant.enfant
    if enfant:
        try:
            os.kill(enfant, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os._exit(1)


def boucle() -> None:
    """The zygote's main loop (``python -m territoire_data.rapports.zygote``)."""
    entree = sys.stdin.buffer
    sortie = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the protocol
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's decision, not ours
    signal.signal(signal.SIGTERM, _arreter)
    configuration = _recevoir(entree)
    try:
        prechauffer(configuration.get("departements", []), configuration.get("exemple"), configuration.get("codes"))
        # Objects loaded so far are never collected: a child's garbage collector then does not
        # walk (and copy, page by page) the parent's memory.
        gc.collect()
        gc.freeze()
        _envoyer(sortie, ("pret", None))
    except Exception as erreur:  # noqa: BLE001
        _envoyer(sortie, ("echec", f"{type(erreur).__name__} : {erreur}"))
        return
    while True:
        try:
            tache = _recevoir(entree)
        except EOFError:
            return
        if tache is None:
            return
        _envoyer(sortie, _executer_dans_un_enfant(tache, configuration.get("delai_s", 900)))


# -- on the batch's side -------------------------------------------------------------------

class Zygote:
    """A warm worker: ``executer(tache)`` returns the ``Resultat`` of one report."""

    def __init__(self, home: str, departements: list[str] | None = None, delai_s: int = 900,
                 exemple: str | None = None, codes: list[str] | None = None):
        env = {**os.environ, "TERRITOIRE_HOME": home, "TERRITOIRE_SANS_PROGRESSION": "1",
               "MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        self.processus = subprocess.Popen([sys.executable, "-m", "territoire_data.rapports.zygote"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                          start_new_session=True)
        self._verrou = threading.Lock()
        _envoyer(self.processus.stdin, {"departements": departements or [], "delai_s": delai_s, "exemple": exemple,
                                        "codes": codes or []})
        etat, message = _recevoir(self.processus.stdout)
        if etat != "pret":
            self.fermer()
            raise TerritoireErreur(f"Le processus de rapports n'a pas démarré : {message}")

    def executer(self, tache):
        with self._verrou:
            _envoyer(self.processus.stdin, tache)
            return _recevoir(self.processus.stdout)

    def fermer(self, *, brutal: bool = False) -> None:
        if self.processus.poll() is not None:
            return
        if brutal:
            self.processus.terminate()  # the zygote kills its running child first
        else:
            try:
                _envoyer(self.processus.stdin, None)
            except (BrokenPipeError, OSError):
                pass
        try:
            self.processus.wait(10)
        except subprocess.TimeoutExpired:
            self.processus.kill()
            self.processus.wait()


if __name__ == "__main__":
    boucle()
