"""The dashboard's web server: Voilà with a French page template, kernels freed on page close,
a ceiling on open dashboards and a waiting room (see ``app.DashboardServer``)."""
