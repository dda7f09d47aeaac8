"""What people read and take away: French number formatting, colours, SVG charts and maps,
HTML fragments, the report portrait, CSV/XLSX exports. Shared by the dashboard and reports."""
