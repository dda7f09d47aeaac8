"""The reports' stylesheet (pages and index), kept apart from nbconvert so the index needs none."""

CSS = """
body { font-family: Marianne, "Helvetica Neue", Arial, sans-serif; color: #161616; margin: 0; background: #f6f6f6; }
main { max-width: 1100px; margin: 0 auto; background: #ffffff; padding: 24px 40px 48px; }
.r-entete { border-top: 5px solid #000091; padding-top: 12px; }
.r-marque { color: #000091; font-weight: 700; }
.r-titre { font-size: 34px; margin: 8px 0 4px; }
.r-sous-titre, .r-note { color: #3a3a3a; font-size: 14px; }
.r-demo { background: #fff4f3; border-left: 5px solid #ce0500; padding: 8px 12px; margin: 12px 0; }
.r-section h2 { font-size: 22px; border-bottom: 1px solid #dddddd; padding-bottom: 4px; margin-top: 32px; }
.r-section h3 { font-size: 17px; margin: 18px 0 6px; color: #000091; }
.r-table, .r-fiche, .ti-table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
.r-table th, .r-table td, .r-fiche th, .r-fiche td { border-bottom: 1px solid #e5e5e5; padding: 4px 8px; text-align: left;
  vertical-align: top; }
.r-table thead th { background: #f0f0f8; }
.r-fiche { width: auto; } .r-fiche th { font-weight: 400; color: #3a3a3a; } .r-fiche td { font-weight: 700; }
.r-valeur { font-weight: 700; white-space: nowrap; } .r-source { color: #3a3a3a; font-size: 12.5px; }
.r-defile { overflow-x: auto; }
.r-grille { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 16px; }
.r-figure, .r-carte { margin: 0; } figcaption { font-weight: 700; font-size: 14px; margin-bottom: 4px; }
.ti-cles { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; }
.ti-pastille { display: inline-block; width: 14px; height: 14px; margin-right: 5px; vertical-align: -2px;
  border: 1px solid #929292; }
.ti-table th { font-weight: 400; color: #3a3a3a; text-align: left; padding: 3px 16px 3px 0; } .ti-table td { font-weight: 700; }
.ti-alerte { color: #ce0500; font-weight: 700; } .ti-ok { color: #18753c; font-weight: 700; }
.jp-OutputArea-output pre, .output_stream pre { white-space: pre-wrap; font-size: 13px; }
.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] { background: #fff4f3; }
.r-definition, .r-importance { font-weight: 400; font-size: 12.5px; color: #3a3a3a; margin-top: 2px; }
.r-importance { font-style: italic; }
.ti-retenir { border-left: 4px solid #000091; background: #f5f5fe; padding: 4px 16px 8px; }
.ti-retenir li { margin: 6px 0; }
.ti-retenir .ti-pairs { color: #3a3a3a; }
@media print { body { background: #ffffff; } main { padding: 0; } .r-section { break-inside: avoid-page; } }
"""
