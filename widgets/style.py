"""The dashboard's look: sober public-service style (Marianne-like palette, readable sizes).

Colours keep a contrast ratio ≥ 4.5:1 on white for text (#161616, #3a3a3a, #000091,
#18753c, #ce0500); sizes start at 15 px.
"""

import ipywidgets as w

CSS = """
.territoire-dashboard { font-family: Marianne, "Helvetica Neue", Arial, sans-serif; color: #161616;
  font-size: 15px; max-width: 1280px; margin: 0 auto; padding: 0 12px 40px; background: #ffffff; }
.territoire-dashboard .widget-html-content { font-size: 15px; line-height: 1.45; }
.territoire-entete { border-top: 4px solid #000091; border-bottom: 1px solid #dddddd; padding: 10px 0 6px; }
.territoire-entete .ti-marque { font-weight: 700; font-size: 17px; color: #000091; letter-spacing: .01em; }
.territoire-entete .ti-sous-titre { color: #3a3a3a; font-size: 14px; }
.territoire-bandeau-demo { background: #fff4f3; border-left: 5px solid #ce0500; padding: 8px 12px; margin: 8px 0;
  color: #161616; }
.territoire-erreur .ti-erreur { background: #ffe9e9; border-left: 5px solid #ce0500; padding: 10px 14px; margin: 8px 0;
  font-weight: 500; }
.territoire-titre h1 { font-size: 30px; line-height: 1.2; margin: 14px 0 2px; color: #161616; font-weight: 700; }
.territoire-titre .ti-rattachement { color: #3a3a3a; font-size: 15px; }
.territoire-recherche input { font-size: 16px !important; height: 40px !important; border: 1px solid #3a3a3a !important;
  border-radius: 4px 4px 0 0; box-shadow: inset 0 -2px 0 0 #000091; }
.territoire-suggestion button, button.territoire-suggestion { text-align: left; background: #f6f6f6; color: #161616;
  border: none; border-bottom: 1px solid #dddddd; font-size: 15px; height: 36px; }
button.territoire-suggestion:hover, button.territoire-suggestion:focus { background: #e3e3fd; outline: 2px solid #0a76f6; }
.territoire-dashboard .widget-tab > .p-TabBar .p-TabBar-tab,
.territoire-dashboard .widget-tab > .lm-TabBar .lm-TabBar-tab { font-size: 14px; min-width: 0; max-width: none;
  flex: 0 0 auto; padding: 0 12px; }
.territoire-dashboard .widget-tab > .lm-TabBar .lm-TabBar-content { flex-wrap: wrap; }
.territoire-dashboard .widget-tab > .lm-TabBar .lm-TabBar-tab { color: #3a3a3a; opacity: 1; }
.territoire-dashboard .lm-TabBar-tab.lm-mod-current { color: #000091; font-weight: 700; }
.ti-grille { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 12px; padding: 4px 0; }
.ti-carte { border: 1px solid #dddddd; border-bottom: 3px solid #000091; padding: 10px 12px; background: #ffffff;
  min-height: 150px; position: relative; }
.ti-statut-secret, .ti-statut-missing { border-bottom-color: #929292; background: #f6f6f6; }
.ti-libelle { font-size: 14px; font-weight: 700; color: #3a3a3a; min-height: 2.6em; }
.ti-valeur { margin: 6px 0 2px; }
.ti-nombre { font-size: 26px; font-weight: 700; color: #000091; }
.ti-unite { font-size: 14px; color: #3a3a3a; }
.ti-annee { font-size: 13px; color: #3a3a3a; background: #eeeeee; padding: 1px 6px; border-radius: 8px; margin-left: 4px; }
.ti-absent { font-size: 16px; font-style: italic; color: #3a3a3a; }
.ti-evolution { font-size: 13px; }
.ti-favorable { color: #18753c; } .ti-defavorable { color: #ce0500; } .ti-neutre { color: #3a3a3a; }
.ti-barre { position: relative; height: 8px; background: linear-gradient(90deg, #e3e3fd, #6a6af4); border-radius: 4px;
  margin: 10px 0 4px; }
.ti-repere { position: absolute; top: -5px; width: 4px; height: 18px; margin-left: -2px; background: #e1000f; }
.ti-mediane { position: absolute; top: -3px; width: 2px; height: 14px; margin-left: -1px; background: #161616; }
.ti-legende { font-size: 12.5px; color: #3a3a3a; }
.ti-provenance { font-size: 12.5px; color: #3a3a3a; margin-top: 4px; }
.ti-provenance summary { cursor: pointer; color: #000091; }
.ti-badge-acteur { font-size: 11px; font-weight: 700; color: #ffffff; background: #3a3a8c; padding: 1px 6px;
  border-radius: 3px; margin-left: 4px; }
.ti-badge-demo { font-size: 11px; font-weight: 700; color: #ffffff; background: #ce0500; padding: 1px 6px;
  border-radius: 3px; margin-left: 6px; vertical-align: middle; }
.ti-graphique h3, .territoire-section h2 { font-size: 17px; margin: 10px 0 6px; color: #161616; }
.ti-cles { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 4px 14px;
  font-size: 13px; }
.ti-pastille { display: inline-block; width: 14px; height: 14px; margin-right: 5px; vertical-align: -2px;
  border: 1px solid #929292; }
.territoire-carte.leaflet-container, .territoire-carte .leaflet-container { background: #f3f6fb; }
.ti-aide { color: #3a3a3a; font-size: 13.5px; }
.ti-retenir { border-left: 4px solid #000091; background: #f5f5fe; padding: 4px 14px 8px; margin: 0 0 12px; }
.ti-retenir h2 { font-size: 18px; margin: 6px 0; }
.ti-retenir li { margin: 4px 0; line-height: 1.45; }
.ti-retenir .ti-pairs { color: #3a3a3a; font-size: 13.5px; }
.ti-definition summary, .ti-provenance summary { cursor: pointer; }
.ti-table { border-collapse: collapse; margin: 6px 0; }
.ti-table th { text-align: left; font-weight: 400; color: #3a3a3a; padding: 3px 16px 3px 0; }
.ti-table td { font-weight: 700; padding: 3px 0; }
.territoire-dashboard .widget-html-content, .territoire-dashboard .widget-html { max-width: 100%; min-width: 0; }
.territoire-dashboard table.ti-zan-cadre { display: block; overflow-x: auto; max-width: 100%; }
.territoire-dashboard table.ti-zan-cadre caption { text-align: left; }
.territoire-dashboard table.ti-zan-cadre th, .territoire-dashboard table.ti-zan-cadre td { padding: 3px 10px 3px 0;
  vertical-align: top; min-width: 5.5em; }
.territoire-dashboard .widget-checkbox { height: auto; max-width: 100%; }
.territoire-dashboard .widget-checkbox .widget-label-basic, .territoire-dashboard .widget-checkbox label {
  white-space: normal; overflow: visible; text-overflow: clip; height: auto; line-height: 1.35; }
.ti-alerte { color: #ce0500; font-weight: 700; margin: 6px 0; } .ti-ok { color: #18753c; font-weight: 700; margin: 6px 0; }
.ti-bouton { display: inline-block; padding: 6px 14px; margin: 0 4px; background: #000091; color: #ffffff !important;
  text-decoration: none; border-radius: 2px; font-weight: 500; }
.ti-bouton:hover, .ti-bouton:focus { background: #1212ff; outline: 2px solid #0a76f6; }
.territoire-discussion { border-top: 4px solid #000091; margin-top: 24px; padding-top: 4px; }
.territoire-discussion h2 { font-size: 20px; margin: 8px 0 4px; }
.territoire-discussion, .territoire-radar, .territoire-zan { min-width: 0; max-width: 100%; box-sizing: border-box; }
.territoire-discussion .widget-text, .territoire-discussion .widget-textarea, .territoire-discussion .widget-dropdown,
.territoire-discussion input, .territoire-discussion textarea, .territoire-discussion select {
  max-width: 100%; box-sizing: border-box; }
.territoire-discussion .widget-label, .territoire-zan .widget-label { white-space: normal; overflow: visible; }
.territoire-discussion .ti-message { overflow-wrap: anywhere; }
.territoire-radar .ti-radar { width: 100%; }
.territoire-radar .ti-radar td { font-weight: 400; padding: 3px 10px 3px 0; vertical-align: top; }
.territoire-radar .ti-radar td.ti-chiffre { white-space: nowrap; text-align: right; }
.territoire-dashboard .jupyter-button { white-space: normal; height: auto; min-height: 32px; overflow: visible;
  text-overflow: clip; max-width: 100%; flex-shrink: 0; line-height: 1.3; padding-top: 4px; padding-bottom: 4px; }
.territoire-dashboard .widget-hbox { flex-wrap: wrap; max-width: 100%; }
.territoire-dashboard .widget-dropdown, .territoire-dashboard .widget-text { max-width: 100%; min-width: 0; }
.territoire-dashboard .widget-dropdown > select { min-width: 0; text-overflow: ellipsis; }
.territoire-dashboard .widget-toggle-buttons .widget-toggle-button { margin-bottom: 2px; }
.territoire-pairs .ti-pairs-titre { font-size: 15px; margin: 4px 0 0; }
.territoire-pairs .ti-pairs-page a { white-space: nowrap; }
.territoire-pairs .ti-pairs-position { display: inline-block; padding: 6px 10px; color: #3a3a3a; }
.ti-hypotheses { margin: 6px 0; }
.territoire-dashboard .leaflet-div-icon { background: transparent; border: none; }
.ti-etiquette-section, .ti-etiquette-lieu { display: block; text-align: center; white-space: nowrap;
  text-shadow: 0 0 3px #ffffff, 0 0 3px #ffffff, 0 0 2px #ffffff; pointer-events: none; }
.ti-etiquette-section { font-weight: 700; font-size: 13px; color: #000091; }
.ti-etiquette-lieu { font-style: italic; font-size: 11.5px; color: #3a3a3a; }
.territoire-radar .ti-lieu-dit { font-size: 13px; color: #3a3a3a; }
.ti-rangee { flex-wrap: wrap; }
@media (max-width: 700px) {
  .ti-rangee > .widget-box, .ti-rangee > .jupyter-widgets, .ti-rangee > .territoire-choroplethe {
    width: 100% !important; flex: 1 1 100% !important; }
  .territoire-radar .ti-radar, .territoire-radar .ti-radar tbody, .territoire-radar .ti-radar tr { display: block; }
  .territoire-radar .ti-radar thead { display: none; }
  .territoire-radar .ti-radar td { display: inline-block; padding-right: 8px; }
  .territoire-zan .widget-checkbox { width: 100% !important; }
}
.ti-fil { border: 1px solid #dddddd; border-left: 4px solid #6a6af4; padding: 8px 12px; margin: 8px 0; }
.ti-acteur, .ti-demande { border: 1px solid #dddddd; border-left: 4px solid #18753c; padding: 8px 12px; margin: 8px 0; }
.ti-acteur p { margin: 6px 0; } .ti-contact { font-size: 14px; } .ti-compteurs { margin: 4px 0 8px; }
.ti-notifications .ti-nouveau { font-weight: 700; } .ti-notifications .ti-lu { color: #3a3a3a; }
.ti-fil-titre { font-weight: 700; } .ti-fil-meta, .ti-auteur { color: #3a3a3a; font-size: 13px; }
.ti-message { border-top: 1px solid #eeeeee; padding: 6px 0; } .ti-supprime { color: #666666; }
.ti-non-lus { background: #e1000f; color: #ffffff; border-radius: 8px; padding: 0 7px; font-size: 12px; font-weight: 700; }
.ti-ancre { font-size: 12.5px; color: #000091; margin-top: 4px; }
.territoire-pied { border-top: 1px solid #dddddd; margin-top: 24px; padding-top: 8px; font-size: 12.5px; color: #3a3a3a; }
"""


def sheet() -> str:
    return f"<style>{CSS}</style>"


def wrapping_row(children, **layout) -> w.HBox:
    """Side by side on a desktop, one under the other on a phone (``.ti-rangee`` above)."""
    row = w.HBox(children, layout=w.Layout(**layout))
    row.add_class("ti-rangee")
    return row
